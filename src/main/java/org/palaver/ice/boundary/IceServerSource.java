package org.palaver.ice.boundary;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.palaver.ice.control.IceServers;

/**
 * The ICE servers of this installation. Anyone may have the STUN ones; TURN, which relays media on
 * the company's bandwidth, only participants of a room get, in {@code joined} and renewed on
 * request, with credentials that expire after {@code palaver.turn.ttl}.
 */
@ApplicationScoped
public class IceServerSource {

    @Inject
    @ConfigProperty(name = "palaver.ice.servers")
    Optional<String> iceServers;

    @Inject
    @ConfigProperty(name = "palaver.turn.secret")
    Optional<String> turnSecret;

    @Inject
    @ConfigProperty(name = "palaver.turn.ttl", defaultValue = "PT10M")
    Duration turnTtl;

    public IceServerSource() {
    }

    /** Without CDI, e.g. in tests. */
    public IceServerSource(Optional<String> iceServers, Optional<String> turnSecret, Duration turnTtl) {
        this.iceServers = iceServers;
        this.turnSecret = turnSecret;
        this.turnTtl = turnTtl;
    }

    /** STUN only: nothing that relays. */
    public List<IceServers.IceServer> anonymous() {
        return IceServers.forBrowser(iceServers, Optional.empty(), turnTtl, Instant.now());
    }

    /** STUN, and TURN with credentials for this participant when a TURN secret is configured. */
    public List<IceServers.IceServer> forParticipant(String participantId) {
        return IceServers.forBrowser(iceServers, turnSecret, turnTtl, Instant.now(), participantId);
    }

    /** Seconds until credentials from {@link #forParticipant} expire, or null when none are handed out. */
    public Long ttlSeconds() {
        return hasTurn() ? turnTtl.toSeconds() : null;
    }

    private boolean hasTurn() {
        return turnSecret.isPresent() && iceServers.stream()
                .flatMap(value -> Arrays.stream(value.split(",")))
                .map(String::strip)
                .anyMatch(url -> url.startsWith("turn:") || url.startsWith("turns:"));
    }
}
