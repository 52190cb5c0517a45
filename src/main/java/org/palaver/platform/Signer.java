package org.palaver.platform;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 under one key, for what the server hands out and trusts back without keeping it:
 * resume tokens, member passes, recording links. Tokens are
 * {@code base64url(payload) "." base64url(mac)}; a key for one purpose is derived from the server
 * secret, so one kind of token never passes for another.
 */
public final class Signer {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] key;

    public Signer(byte[] key) {
        this.key = key.clone();
    }

    /** A signer whose key is derived from {@code secret} for {@code purpose} alone. */
    public static Signer derived(byte[] secret, String purpose) {
        return new Signer(hmac(secret, purpose.getBytes(StandardCharsets.UTF_8)));
    }

    /** 32 random bytes: the secret of a server started without {@code palaver.secret}. */
    public static byte[] randomSecret() {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        return secret;
    }

    public byte[] mac(byte[] payload) {
        return hmac(key, payload);
    }

    /** Constant time. */
    public boolean matches(byte[] payload, byte[] mac) {
        return MessageDigest.isEqual(mac(payload), mac);
    }

    public String sign(byte[] payload) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString(payload) + "." + b64.encodeToString(mac(payload));
    }

    /** The payload of a token this key signed; empty for anything else (no dot, bad base64, wrong mac). */
    public Optional<byte[]> open(String token) {
        int dot = token.indexOf('.');
        if (dot < 0) {
            return Optional.empty();
        }
        try {
            Base64.Decoder b64 = Base64.getUrlDecoder();
            byte[] payload = b64.decode(token.substring(0, dot));
            return matches(payload, b64.decode(token.substring(dot + 1))) ? Optional.of(payload) : Optional.empty();
        } catch (IllegalArgumentException badBase64) {
            return Optional.empty();
        }
    }

    public static byte[] hmac(byte[] key, byte[] payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(payload);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }
}
