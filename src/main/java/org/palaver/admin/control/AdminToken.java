package org.palaver.admin.control;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * The bearer token of the admin API ({@code palaver.admin.token}). Without one the admin API does
 * not exist; with one, only a request that presents it exactly is let in. Compared in constant
 * time, so the answer's timing says nothing about how much of a guess was right.
 */
public final class AdminToken {

    private final byte[] expected;

    public AdminToken(Optional<String> configured) {
        this.expected = configured.map(String::strip).filter(t -> !t.isEmpty())
                .map(t -> t.getBytes(StandardCharsets.UTF_8)).orElse(null);
    }

    public boolean configured() {
        return expected != null;
    }

    /** Whether the {@code Authorization} header value is {@code Bearer <the token>}. */
    public boolean admits(String authorization) {
        if (expected == null || authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        return MessageDigest.isEqual(expected, authorization.substring(7).strip().getBytes(StandardCharsets.UTF_8));
    }
}
