package org.palaver.ice.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class IceServersTest {

    final Instant now = Instant.parse("2026-01-01T10:00:00Z");

    @Test
    void nothingConfiguredMeansNoIceServers() {
        assertEquals(List.of(), IceServers.forBrowser(Optional.empty(), Optional.empty(), Duration.ofHours(1), now));
    }

    @Test
    void turnGetsShortLivedCoturnCredentials() {
        List<IceServers.IceServer> servers = IceServers.forBrowser(
                Optional.of("stun:stun.intranet:3478, turn:turn.intranet:3478?transport=udp"),
                Optional.of("s3cret"), Duration.ofHours(1), now);
        assertEquals(List.of("stun:stun.intranet:3478"), servers.get(0).urls());
        IceServers.IceServer turn = servers.get(1);
        assertEquals(List.of("turn:turn.intranet:3478?transport=udp"), turn.urls());
        assertTrue(turn.username().startsWith(now.plusSeconds(3600).getEpochSecond() + ":"), turn.username());
        assertEquals(IceServers.credential("s3cret", turn.username()), turn.credential());
    }

    @Test
    void credentialIsBase64HmacSha1OfTheUsername() {
        // Reference value computed independently: printf '1767261600:x' | openssl dgst -sha1 -hmac s3cret -binary | base64
        assertEquals("wgB42buMO8Qw//eK2G5tkt1gsmg=", IceServers.credential("s3cret", "1767261600:x"));
    }

    @Test
    void turnWithoutSecretIsLeftOut() {
        assertEquals(List.of(), IceServers.forBrowser(Optional.of("turn:turn.intranet:3478"), Optional.empty(), Duration.ofHours(1), now));
    }
}
