package org.palaver.signaling.control;

import java.net.URI;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Who may open a signaling socket, against Cross-Site WebSocket Hijacking: a browser always sends
 * {@code Origin}, so a page from another site is recognised and refused. Without a configured
 * list only the site itself is allowed, compared by host and port as the browser addressed it
 * ({@code Host}), which also holds behind a TLS-terminating proxy. A missing Origin is not a
 * browser and cannot carry someone's cookies or network position, so it is allowed.
 */
public final class OriginPolicy {

    private final Set<String> allowed;

    public OriginPolicy(Optional<String> configured) {
        this.allowed = configured.stream()
                .flatMap(value -> Arrays.stream(value.split(",")))
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .map(s -> s.toLowerCase(Locale.ROOT).replaceAll("/+$", ""))
                .collect(Collectors.toUnmodifiableSet());
    }

    public boolean allows(String origin, String host) {
        if (origin == null) {
            return true;
        }
        String normalized = origin.strip().toLowerCase(Locale.ROOT);
        if (!allowed.isEmpty()) {
            return allowed.contains(normalized);
        }
        if (host == null) {
            return false;
        }
        try {
            URI uri = URI.create(normalized);
            if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                return false;
            }
            return uri.getRawAuthority().equals(host.strip().toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
