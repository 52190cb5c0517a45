package org.palaver.rooms.entity;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * A room's passcode, kept only as a salted PBKDF2 hash. Immutable, so checking it needs no room
 * lock (and the deliberately slow hash never holds up a room).
 */
public final class Passcode {

    public static final int MIN_LENGTH = 4;
    public static final int MAX_LENGTH = 128;
    private static final int ITERATIONS = 100_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] salt;
    private final byte[] hash;

    private Passcode(byte[] salt, byte[] hash) {
        this.salt = salt;
        this.hash = hash;
    }

    public static Passcode of(String plain) {
        check(plain);
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return new Passcode(salt, derive(plain, salt));
    }

    /** Refuses a passcode {@link #of} would refuse, without hashing it. */
    public static void check(String plain) {
        if (plain == null || plain.length() < MIN_LENGTH || plain.length() > MAX_LENGTH) {
            throw new RoomException("invalid-passcode",
                    "A passcode needs " + MIN_LENGTH + " to " + MAX_LENGTH + " characters.");
        }
    }

    public boolean matches(String attempt) {
        return attempt != null && attempt.length() <= MAX_LENGTH && MessageDigest.isEqual(hash, derive(attempt, salt));
    }

    private static byte[] derive(String plain, byte[] salt) {
        try {
            PBEKeySpec spec = new PBEKeySpec(plain.toCharArray(), salt, ITERATIONS, 256);
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is part of every Java runtime", e);
        }
    }

    /** Salt and hash, for a signed resume token; never the passcode itself. */
    public String encoded() {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString(salt) + ":" + b64.encodeToString(hash);
    }

    public static Passcode decode(String encoded) {
        String[] parts = encoded.split(":", 2);
        Base64.Decoder b64 = Base64.getUrlDecoder();
        return new Passcode(b64.decode(parts[0]), b64.decode(parts[1]));
    }

    @Override
    public String toString() {
        return "Passcode[hidden]";
    }
}
