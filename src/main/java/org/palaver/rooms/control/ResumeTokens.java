package org.palaver.rooms.control;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.palaver.rooms.entity.Passcode;
import org.palaver.rooms.entity.ResumeClaims;
import org.palaver.rooms.entity.RoomId;
import org.palaver.rooms.entity.TokenIssuer;

/**
 * Resume tokens signed with HMAC-SHA256 under the server secret: after a restart the server can
 * trust what a token says (room, participant id, name, the room's passcode hash) without having
 * kept any state. {@code base64url(payload) "." base64url(mac)}; the payload's lines are
 * version, room, participant, name, issue time, passcode hash.
 */
public final class ResumeTokens implements TokenIssuer {

    /** Older tokens cannot rebuild a room: a restart is expected to be minutes, not days. */
    static final Duration MAX_AGE = Duration.ofHours(12);

    private final byte[] secret;

    public ResumeTokens(byte[] secret) {
        this.secret = secret.clone();
    }

    public static ResumeTokens random() {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        return new ResumeTokens(secret);
    }

    public static ResumeTokens of(String secret) {
        return new ResumeTokens(secret.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String issue(RoomId room, String participantId, String name, Passcode passcode) {
        String payload = String.join("\n", "1", room.value(), participantId, name,
                Long.toString(Instant.now().getEpochSecond()), passcode == null ? "" : passcode.encoded());
        byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString(bytes) + "." + b64.encodeToString(mac(bytes));
    }

    public Optional<ResumeClaims> verify(String token, Instant now) {
        try {
            int dot = token.indexOf('.');
            if (dot < 0) {
                return Optional.empty();
            }
            Base64.Decoder b64 = Base64.getUrlDecoder();
            byte[] payload = b64.decode(token.substring(0, dot));
            if (!MessageDigest.isEqual(mac(payload), b64.decode(token.substring(dot + 1)))) {
                return Optional.empty();
            }
            String[] fields = new String(payload, StandardCharsets.UTF_8).split("\n", -1);
            if (fields.length != 6 || !"1".equals(fields[0])) {
                return Optional.empty();
            }
            Instant issued = Instant.ofEpochSecond(Long.parseLong(fields[4]));
            if (issued.plus(MAX_AGE).isBefore(now)) {
                return Optional.empty();
            }
            Passcode passcode = fields[5].isEmpty() ? null : Passcode.decode(fields[5]);
            return RoomId.parse(fields[1]).map(room -> new ResumeClaims(room, fields[2], fields[3], passcode, issued));
        } catch (IllegalArgumentException e) { // bad base64, number or passcode encoding
            return Optional.empty();
        }
    }

    private byte[] mac(byte[] payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(payload);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }
}
