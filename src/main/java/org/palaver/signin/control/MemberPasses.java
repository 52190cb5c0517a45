package org.palaver.signin.control;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.palaver.signin.entity.Member;
import org.palaver.signin.entity.PassCheck;

/**
 * Member passes: what the server hands a browser once the identity provider signed its user in,
 * {@code base64url(payload) "." base64url(HMAC-SHA256)} under a key derived from the server secret.
 * Any node of a cluster with the same {@code palaver.secret} trusts it without a shared session, so
 * the login round trip and the meeting may land on different nodes. The payload's lines: version,
 * subject, name, expiry (epoch seconds, the ID token's own).
 */
public final class MemberPasses {

    private static final String VERSION = "m1";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] key;

    public MemberPasses(byte[] secret) {
        this.key = hmac(secret, "palaver member pass key".getBytes(StandardCharsets.UTF_8));
    }

    public static MemberPasses of(String secret) {
        return new MemberPasses(secret.getBytes(StandardCharsets.UTF_8));
    }

    public static MemberPasses random() {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        return new MemberPasses(secret);
    }

    public String issue(Member member) {
        if (member.subject().contains("\n") || member.name().contains("\n")) {
            throw new IllegalArgumentException("a member's subject and name are single lines");
        }
        byte[] payload = String.join("\n", VERSION, member.subject(), member.name(),
                Long.toString(member.expires().getEpochSecond())).getBytes(StandardCharsets.UTF_8);
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString(payload) + "." + b64.encodeToString(hmac(key, payload));
    }

    /** {@link PassCheck#NONE} for no pass (null or blank); else valid, expired or invalid. */
    public PassCheck check(String pass, Instant now) {
        if (pass == null || pass.isBlank()) {
            return PassCheck.NONE;
        }
        try {
            int dot = pass.indexOf('.');
            if (dot < 0 || pass.length() > 4096) {
                return PassCheck.invalid();
            }
            Base64.Decoder b64 = Base64.getUrlDecoder();
            byte[] payload = b64.decode(pass.substring(0, dot));
            if (!MessageDigest.isEqual(hmac(key, payload), b64.decode(pass.substring(dot + 1)))) {
                return PassCheck.invalid();
            }
            String[] fields = new String(payload, StandardCharsets.UTF_8).split("\n", -1);
            if (fields.length != 4 || !VERSION.equals(fields[0])) {
                return PassCheck.invalid();
            }
            Member member = new Member(fields[1], fields[2], Instant.ofEpochSecond(Long.parseLong(fields[3])));
            return member.expiredAt(now) ? PassCheck.expired() : PassCheck.valid(member);
        } catch (IllegalArgumentException e) { // bad base64 or number
            return PassCheck.invalid();
        }
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
