package org.palaver.platform;

import java.net.URI;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Whether a request that changes something comes from this site's own pages, against cross-site
 * request forgery: any page on the web can make a visitor's browser POST here (a plain form needs
 * no permission), and the browser says where from in {@code Origin} and {@code Sec-Fetch-Site}.
 * Allowed: the site itself (an Origin matching {@code Host}, or {@code palaver.public-url}) and the
 * origins of {@code palaver.allowed-origins}. A request with neither header does not come from a
 * browser (curl, scripts), so it carries nobody else's network position, and is allowed.
 */
public final class RequestOrigin {

    private final Set<String> allowed;

    public RequestOrigin(Optional<String> allowedOrigins, Optional<URI> publicUrl) {
        this.allowed = Stream.concat(
                        allowedOrigins.stream().flatMap(value -> Arrays.stream(value.split(","))),
                        publicUrl.map(RequestOrigin::originOf).stream())
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .map(s -> s.toLowerCase(Locale.ROOT).replaceAll("/+$", ""))
                .collect(Collectors.toUnmodifiableSet());
    }

    public boolean allows(String origin, String fetchSite, String host) {
        if (origin == null) {
            return !"cross-site".equalsIgnoreCase(fetchSite) && !"same-site".equalsIgnoreCase(fetchSite);
        }
        String normalized = origin.strip().toLowerCase(Locale.ROOT);
        if (allowed.contains(normalized)) {
            return true;
        }
        if (host == null) {
            return false;
        }
        try {
            URI uri = URI.create(normalized);
            return uri.getHost() != null && ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
                    && uri.getRawAuthority().equals(host.strip().toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String originOf(URI url) {
        return url.getScheme() + "://" + url.getRawAuthority();
    }
}
