package org.palaver.recordings.control;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import org.palaver.platform.Signer;

/**
 * Signed, expiring access to one recording part, for the {@code url} of a listing: a
 * {@code <video>} cannot send the host secret, so the URL carries {@code <expiry>.<HMAC>} of the
 * part's id under a key derived from the server secret (any node with the same secret accepts it).
 */
public final class AccessTokens {

    private final Signer signer;

    public AccessTokens(byte[] secret) {
        this.signer = Signer.derived(secret, "palaver recording access key");
    }

    public static AccessTokens of(String secret) {
        return new AccessTokens(secret.getBytes(StandardCharsets.UTF_8));
    }

    public static AccessTokens random() {
        return new AccessTokens(Signer.randomSecret());
    }

    public String issue(String partId, Instant expires) {
        String expiry = Long.toString(expires.getEpochSecond());
        return expiry + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signer.mac(signed(partId, expiry)));
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
                    && signer.matches(signed(partId, expiry), Base64.getUrlDecoder().decode(token.substring(dot + 1)));
        } catch (IllegalArgumentException e) { // bad number or base64
            return false;
        }
    }

    private static byte[] signed(String partId, String expiry) {
        return (partId + "\n" + expiry).getBytes(StandardCharsets.UTF_8);
    }
}
