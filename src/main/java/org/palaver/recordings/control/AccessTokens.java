package org.palaver.recordings.control;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signed, expiring access to one recording part, for the {@code url} of a listing: a
 * {@code <video>} cannot send the host secret, so the URL carries {@code <expiry>.<HMAC>} of the
 * part's id under a key derived from the server secret (any node with the same secret accepts it).
 */
public final class AccessTokens {

    private final byte[] key;

    public AccessTokens(byte[] secret) {
        this.key = hmac(secret, "palaver recording access key".getBytes(StandardCharsets.UTF_8));
    }

    public static AccessTokens of(String secret) {
        return new AccessTokens(secret.getBytes(StandardCharsets.UTF_8));
    }

    public static AccessTokens random() {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        return new AccessTokens(secret);
    }

    public String issue(String partId, Instant expires) {
        String expiry = Long.toString(expires.getEpochSecond());
        return expiry + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(mac(partId, expiry));
    }

    public boolean valid(String token, String partId, Instant now) {
        if (token == null || token.length() > 200) {
            return false;
        }
        int dot = token.indexOf('.');
        if (dot <= 0) {
            return false;
        }
        try {
            String expiry = token.substring(0, dot);
            return Instant.ofEpochSecond(Long.parseLong(expiry)).isAfter(now)
                    && MessageDigest.isEqual(mac(partId, expiry), Base64.getUrlDecoder().decode(token.substring(dot + 1)));
        } catch (IllegalArgumentException e) { // bad number or base64
            return false;
        }
    }

    private byte[] mac(String partId, String expiry) {
        return hmac(key, (partId + "\n" + expiry).getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] hmac(byte[] key, byte[] payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(payload);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }
}
