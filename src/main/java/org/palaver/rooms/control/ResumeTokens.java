package org.palaver.rooms.control;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.palaver.platform.Signer;
import org.palaver.rooms.entity.HostKey;
import org.palaver.rooms.entity.Passcode;
import org.palaver.rooms.entity.ResumeClaims;
import org.palaver.rooms.entity.RoomId;
import org.palaver.rooms.entity.TokenIssuer;

/**
 * Resume tokens signed with HMAC-SHA256 under the server secret: after a restart the server can
 * trust what a token says (room, participant id, name, the room's passcode) without having kept
 * any state. {@code base64url(payload) "." base64url(mac)}; the payload's lines are version,
 * room, participant, name, issue time, the issuing server start, the room's passcode hash
 * encrypted (AES-GCM under a key derived from the secret), so a token holder cannot guess the
 * passcode offline, whether the participant is a host, the hash of the room's host key, whether the
 * name is the one the company's identity provider gave, and whether the room lets in members only.
 *
 * <p>Each server start has an id of its own. A token issued by this start never rebuilds a room:
 * a room this start created and no longer knows has expired, it was not lost by a restart.
 */
public final class ResumeTokens implements TokenIssuer {

    /** Older tokens cannot rebuild a room: a restart is expected to be minutes, not days. */
    public static final Duration MAX_AGE = Duration.ofHours(12);
    private static final String VERSION = "4";
    /** Tokens of the release before sign-in: still good for a resume across a rolling upgrade. */
    private static final String VERSION_BEFORE_SIGN_IN = "3";
    /** Tokens of the release before hosts: still good for a resume across a rolling upgrade. */
    private static final String VERSION_BEFORE_HOSTS = "2";
    private static final int IV_BYTES = 12;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Signer signer;
    private final byte[] passcodeKey;
    private final String start;

    public ResumeTokens(byte[] secret) {
        this.signer = new Signer(secret);
        this.passcodeKey = Arrays.copyOf(Signer.hmac(secret, "palaver resume-token passcode key".getBytes(StandardCharsets.UTF_8)), 16);
        this.start = random(9);
    }

    public static ResumeTokens random() {
        return new ResumeTokens(Signer.randomSecret());
    }

    public static ResumeTokens of(String secret) {
        return new ResumeTokens(secret.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String issue(RoomId room, String participantId, String name, boolean host, Passcode passcode, HostKey hostKey,
                        boolean verified, boolean membersOnly) {
        String payload = String.join("\n", VERSION, room.value(), participantId, name,
                Long.toString(Instant.now().getEpochSecond()), start, passcode == null ? "" : seal(passcode.encoded()),
                host ? "host" : "", hostKey == null ? "" : hostKey.encoded(), verified ? "member" : "",
                membersOnly ? "members-only" : "");
        return signer.sign(payload.getBytes(StandardCharsets.UTF_8));
    }

    public Optional<ResumeClaims> verify(String token, Instant now) {
        try {
            Optional<byte[]> payload = signer.open(token);
            if (payload.isEmpty()) {
                return Optional.empty();
            }
            String[] fields = new String(payload.get(), StandardCharsets.UTF_8).split("\n", -1);
            boolean signIn = fields.length == 11 && VERSION.equals(fields[0]);
            boolean current = signIn || fields.length == 9 && VERSION_BEFORE_SIGN_IN.equals(fields[0]);
            if (!current && !(fields.length == 7 && VERSION_BEFORE_HOSTS.equals(fields[0]))) {
                return Optional.empty();
            }
            Instant issued = Instant.ofEpochSecond(Long.parseLong(fields[4]));
            if (issued.plus(MAX_AGE).isBefore(now)) {
                return Optional.empty();
            }
            boolean earlierStart = !start.equals(fields[5]);
            Passcode passcode = fields[6].isEmpty() ? null : Passcode.decode(open(fields[6]));
            boolean host = current && "host".equals(fields[7]);
            HostKey hostKey = current && !fields[8].isEmpty() ? HostKey.decode(fields[8]) : null;
            return RoomId.parse(fields[1]).map(room -> new ResumeClaims(room, fields[2], fields[3], host, passcode, hostKey,
                    issued, earlierStart, signIn && "member".equals(fields[9]), signIn && "members-only".equals(fields[10])));
        } catch (IllegalArgumentException e) { // bad base64, number or passcode encoding
            return Optional.empty();
        }
    }

    private String seal(String plain) {
        try {
            byte[] iv = new byte[IV_BYTES];
            RANDOM.nextBytes(iv);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(passcodeKey, "AES"), new GCMParameterSpec(128, iv));
            byte[] sealed = cipher.doFinal(plain.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(
                    ByteBuffer.allocate(iv.length + sealed.length).put(iv).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM is part of every Java runtime", e);
        }
    }

    private String open(String sealed) {
        byte[] bytes = Base64.getUrlDecoder().decode(sealed);
        if (bytes.length <= IV_BYTES) {
            throw new IllegalArgumentException("sealed passcode too short");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(passcodeKey, "AES"), new GCMParameterSpec(128, bytes, 0, IV_BYTES));
            return new String(cipher.doFinal(bytes, IV_BYTES, bytes.length - IV_BYTES), StandardCharsets.UTF_8);
        } catch (javax.crypto.AEADBadTagException e) {
            throw new IllegalArgumentException("sealed passcode does not open", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM is part of every Java runtime", e);
        }
    }

    private static String random(int bytes) {
        byte[] raw = new byte[bytes];
        RANDOM.nextBytes(raw);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    }
}
