package org.palaver.platform;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RequestOriginTest {

    final RequestOrigin sameOrigin = new RequestOrigin(Optional.empty(), Optional.empty());

    @Test
    void theSiteItselfIsAllowed() {
        assertTrue(sameOrigin.allows("http://127.0.0.1:8080", "same-origin", "127.0.0.1:8080"));
        assertTrue(sameOrigin.allows("https://Meet.Corp.example", null, "meet.corp.example"));
    }

    @Test
    void otherSitesAreRefused() {
        assertFalse(sameOrigin.allows("https://evil.example", "cross-site", "meet.corp.example"));
        assertFalse(sameOrigin.allows("http://127.0.0.1:9999", null, "127.0.0.1:8080"));
        assertFalse(sameOrigin.allows("https://meet.corp.example.evil.example", null, "meet.corp.example"));
        assertFalse(sameOrigin.allows("null", null, "meet.corp.example"), "sandboxed frames and data: pages");
        assertFalse(sameOrigin.allows("http://meet.corp.example", null, null));
    }

    @Test
    void withoutOriginFetchMetadataDecides() {
        assertTrue(sameOrigin.allows(null, null, "meet.corp.example"), "curl and scripts send neither");
        assertTrue(sameOrigin.allows(null, "same-origin", "meet.corp.example"));
        assertFalse(sameOrigin.allows(null, "cross-site", "meet.corp.example"));
        assertFalse(sameOrigin.allows(null, "same-site", "meet.corp.example"));
    }

    @Test
    void configuredOriginsAndThePublicUrlAreAllowedBesideTheSiteItself() {
        RequestOrigin configured = new RequestOrigin(Optional.of("https://portal.corp.example/, https://intranet.corp.example"),
                Optional.of(URI.create("https://meet.corp.example/palaver/")));
        assertTrue(configured.allows("https://portal.corp.example", null, "internal:8080"));
        assertTrue(configured.allows("https://intranet.corp.example", null, "internal:8080"));
        assertTrue(configured.allows("https://meet.corp.example", null, "internal:8080"), "behind a proxy that rewrites Host");
        assertTrue(configured.allows("http://internal:8080", null, "internal:8080"));
        assertFalse(configured.allows("https://evil.example", null, "internal:8080"));
    }
}
