package org.palaver.rooms.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.palaver.platform.LimitExceeded;
import org.palaver.platform.OnceLog;
import org.palaver.platform.TokenBucket;

/**
 * Room creations per client address: a burst of {@code palaver.limits.room-creations-per-minute},
 * refilled at that rate. Keyed by the connection's address, never by a header a client controls;
 * behind a reverse proxy every user shares the proxy's address, so raise the limit there.
 */
@ApplicationScoped
public class CreationLimiter {

    private static final int MAX_TRACKED = 10_000;

    @Inject
    @ConfigProperty(name = "palaver.limits.room-creations-per-minute", defaultValue = "30")
    int perMinute;

    private final ConcurrentMap<String, TokenBucket> buckets = new ConcurrentHashMap<>();
    private final OnceLog log = new OnceLog(Logger.getLogger(CreationLimiter.class.getName()));

    public void admit(String clientAddress) {
        if (buckets.size() > MAX_TRACKED) {
            buckets.values().removeIf(TokenBucket::full); // forget addresses that have calmed down
        }
        TokenBucket bucket = buckets.computeIfAbsent(clientAddress, a -> new TokenBucket(perMinute, perMinute / 60.0));
        if (!bucket.tryTake()) {
            log.warn(clientAddress, "room creation rate limit reached by " + clientAddress);
            throw new LimitExceeded("too-many-requests", "Too many rooms created from this address; try again shortly.",
                    429, bucket.secondsUntilNext());
        }
    }
}
