package org.palaver.platform;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The site's address as people reach it, for the links the server hands out: {@code
 * palaver.public-url} when set (behind a reverse proxy the request's {@code Host} may be an
 * internal name, and a client can send any {@code Host} it likes), otherwise the request's own.
 */
@ApplicationScoped
public class PublicUrl {

    @Inject
    @ConfigProperty(name = "palaver.public-url")
    Optional<String> configured;

    private Optional<URI> base;

    @PostConstruct
    void parse() {
        base = configured.map(String::strip).filter(s -> !s.isEmpty()).map(PublicUrl::parse);
    }

    /** Made at start, so a mistyped value stops the deployment instead of failing every room creation. */
    void check(@Observes @Initialized(ApplicationScoped.class) Object started) {
        // parse() has run
    }

    public Optional<URI> configured() {
        return base;
    }

    /** {@code path} (relative, like {@code room/abc}) under the public URL, or under {@code requestSite}. */
    public URI resolve(URI requestSite, String path) {
        return configured().orElse(requestSite).resolve(path);
    }

    static URI parse(String value) {
        try {
            URI uri = new URI(value);
            if (!("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme())) || uri.getHost() == null
                    || uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
                throw new URISyntaxException(value, "not an http(s) URL without query, fragment or user");
            }
            String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            return new URI(uri.getScheme().toLowerCase(java.util.Locale.ROOT) + "://" + uri.getRawAuthority()
                    + (path.endsWith("/") ? path : path + "/"));
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("palaver.public-url must be the site's absolute http(s) URL, like "
                    + "https://meet.corp.example/, not '" + value + "'", e);
        }
    }
}
