package org.palaver.rooms.entity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * What makes someone a room's host: a random secret handed out once, in the host link's fragment
 * when the room is made, and kept here only as its SHA-256 hash. The secret has 128 random bits,
 * so a fast hash is enough: nobody can guess it from the hash, offline or online.
 */
public final class HostKey {

    private static final int MAX_SECRET_CHARS = 64;
    private final byte[] hash;

    private HostKey(byte[] hash) {
        this.hash = hash;
    }

    /** A new key and its secret, which is never stored. */
    public record Issued(HostKey key, String secret) {
    }

    public static Issued create() {
        String secret = Tokens.random(16);
        return new Issued(new HostKey(sha256(secret)), secret);
    }

    /** Constant time; null, empty and absurdly long attempts never match. */
    public boolean matches(String attempt) {
        return attempt != null && !attempt.isEmpty() && attempt.length() <= MAX_SECRET_CHARS
                && MessageDigest.isEqual(hash, sha256(attempt));
    }

    /** The hash, for a signed resume token (a room rebuilt from tokens knows its host key again). */
    public String encoded() {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(hash);
    }

    public static HostKey decode(String encoded) {
        byte[] hash = Base64.getUrlDecoder().decode(encoded);
        if (hash.length != 32) {
            throw new IllegalArgumentException("a host key hash has 32 bytes");
        }
        return new HostKey(hash);
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    @Override
    public String toString() {
        return "HostKey[hidden]";
    }
}
