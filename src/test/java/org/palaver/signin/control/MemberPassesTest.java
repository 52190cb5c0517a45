package org.palaver.signin.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.palaver.signin.entity.Member;
import org.palaver.signin.entity.PassCheck;

class MemberPassesTest {

    final Instant now = Instant.parse("2026-01-01T10:00:00Z");
    final Member alice = new Member("0b5e-11", "Alice Adams", now.plusSeconds(3600));
    final MemberPasses passes = MemberPasses.of("the cluster's secret");

    @Test
    void aPassIsTrustedByEveryNodeWithTheSameSecretUntilItExpires() {
        String pass = passes.issue(alice);
        assertEquals(Optional.of(alice), MemberPasses.of("the cluster's secret").check(pass, now).member());
        PassCheck later = passes.check(pass, now.plusSeconds(3600));
        assertTrue(later.member().isEmpty());
        assertEquals("sign-in-expired", later.refusal());
    }

    @Test
    void aForgedOrAlteredPassIsRefusedAndNoPassIsNone() {
        String pass = passes.issue(alice);
        assertEquals("sign-in-invalid", MemberPasses.of("another secret").check(pass, now).refusal());
        String payload = new String(Base64.getUrlDecoder().decode(pass.substring(0, pass.indexOf('.'))), StandardCharsets.UTF_8);
        String renamed = Base64.getUrlEncoder().withoutPadding().encodeToString(
                payload.replace("Alice Adams", "The CEO").getBytes(StandardCharsets.UTF_8)) + pass.substring(pass.indexOf('.'));
        assertEquals("sign-in-invalid", passes.check(renamed, now).refusal(), "the name cannot be changed");
        for (String junk : new String[] {"x", "x.y", "%%.%%", "." , "a".repeat(5000)}) {
            assertEquals("sign-in-invalid", passes.check(junk, now).refusal(), junk);
        }
        assertFalse(passes.check(null, now).refused());
        assertFalse(passes.check("", now).refused());
        assertTrue(passes.check(null, now).member().isEmpty());
    }

    @Test
    void theNameComesFromTheTokenCleanedAndNeverEmpty() {
        assertEquals("Alice Adams", ProviderNames.choose(Optional.of(" Alice\u202E  Adams\n"), Optional.of("alice"), "s"));
        assertEquals("alice", ProviderNames.choose(Optional.of("\u200B "), Optional.of("alice"), "s"));
        assertEquals("s-123", ProviderNames.choose(Optional.empty(), Optional.empty(), "s-123"));
        assertEquals("Member", ProviderNames.choose(Optional.empty(), Optional.empty(), "\n"));
        assertEquals("alice", ProviderNames.choose(Optional.of("\u3164\u3164"), Optional.of("alice"), "s"),
                "a name of blank-looking letters would be refused at the door: the next claim is taken");
        assertEquals(ProviderNames.MAX_LENGTH, ProviderNames.choose(Optional.of("x".repeat(200)), Optional.empty(), "s").length());
    }
}
