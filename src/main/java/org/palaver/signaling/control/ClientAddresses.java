package org.palaver.signaling.control;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/**
 * Carries a signaling connection's client address from the servlet filter, which sees it, to the
 * WebSocket endpoint, which does not (Jakarta WebSocket has no portable remote address). Both see
 * the handshake's {@code Sec-WebSocket-Key}, a fresh random value per handshake, so the filter
 * leaves the address here under that key and the endpoint takes it when the socket opens. The
 * request itself is left untouched. A key that two handshakes present at once gives neither an
 * address (they fall back to per-connection limits), so a client cannot borrow another's address.
 */
@ApplicationScoped
public class ClientAddresses {

    public static final String KEY_HEADER = "Sec-WebSocket-Key";
    /** Where the endpoint's configurator leaves the handshake's key in the session's user properties. */
    public static final String USER_PROPERTY = "org.palaver.handshake-key";

    private static final int MAX_PENDING = 1_000;
    private static final long FORGET_AFTER_NANOS = TimeUnit.SECONDS.toNanos(30);
    /** {@code address} is null when two handshakes presented the key. */
    private record Pending(String address, long sinceNanos) {
    }

    private final ConcurrentMap<String, Pending> pending = new ConcurrentHashMap<>();

    /** The filter saw a handshake with this key from this address. */
    public void expect(String key, String address, long now) {
        if (key == null || key.isEmpty()) {
            return;
        }
        if (pending.size() >= MAX_PENDING) { // handshakes refused or abandoned before the socket opened
            pending.values().removeIf(p -> now - p.sinceNanos() > FORGET_AFTER_NANOS);
        }
        pending.merge(key, new Pending(address, now), (first, second) -> new Pending(null, now));
    }

    /** The address the filter saw for this handshake key, once; empty when unknown or contested. */
    public Optional<String> claim(Object key) {
        if (!(key instanceof String text)) {
            return Optional.empty();
        }
        Pending found = pending.remove(text);
        return found == null ? Optional.empty() : Optional.ofNullable(found.address());
    }
}
