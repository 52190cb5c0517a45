package org.palaver.rooms.entity;

import java.security.SecureRandom;
import java.util.Base64;

/** Random URL-safe strings for participant ids and resume tokens. */
final class Tokens {

    private static final SecureRandom RANDOM = new SecureRandom();

    private Tokens() {
    }

    static String random(int bytes) {
        byte[] raw = new byte[bytes];
        RANDOM.nextBytes(raw);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    }
}
