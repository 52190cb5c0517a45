package org.palaver.signaling.control;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class OriginPolicyTest {

    final OriginPolicy sameOrigin = new OriginPolicy(Optional.empty());

    @Test
    void sameOriginByDefault() {
        assertTrue(sameOrigin.allows("http://127.0.0.1:8080", "127.0.0.1:8080"));
        assertTrue(sameOrigin.allows("https://Meet.Corp.example", "meet.corp.example"));
        assertFalse(sameOrigin.allows("https://evil.example", "meet.corp.example"));
        assertFalse(sameOrigin.allows("http://127.0.0.1:9999", "127.0.0.1:8080"));
        assertFalse(sameOrigin.allows("https://meet.corp.example.evil.example", "meet.corp.example"));
        assertFalse(sameOrigin.allows("null", "meet.corp.example"));
        assertFalse(sameOrigin.allows("file://", "meet.corp.example"));
        assertFalse(sameOrigin.allows("http://meet.corp.example", null));
    }

    @Test
    void nonBrowserClientsSendNoOrigin() {
        assertTrue(sameOrigin.allows(null, "meet.corp.example"));
    }

    @Test
    void configuredListReplacesSameOrigin() {
        OriginPolicy listed = new OriginPolicy(Optional.of("https://meet.corp.example, https://portal.corp.example/"));
        assertTrue(listed.allows("https://portal.corp.example", "meet.corp.example"));
        assertTrue(listed.allows("https://meet.corp.example", "anything"));
        assertFalse(listed.allows("http://meet.corp.example", "meet.corp.example"));
    }
}
