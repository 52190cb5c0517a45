package org.palaver.signaling.control;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Carries a signaling connection's client address from the servlet filter, which sees it, to the
 * WebSocket endpoint, which does not (Jakarta WebSocket has no portable remote address). Both see
 * the handshake's {@code Sec-WebSocket-Key}, a fresh random value per handshake, so the filter
 * leaves the address here under that key and the endpoint takes it when the socket opens. The
 * request itself is left untouched. A key presented from two different addresses gives neither an
 * address (they fall back to per-connection limits), so a client cannot borrow another's address;
 * presented twice from one address, it keeps that address, so reusing a key gains nothing.
 */
@ApplicationScoped
public class ClientAddresses {

    public static final String KEY_HEADER = "Sec-WebSocket-Key";
    /** Where the endpoint's configurator leaves the handshake's key in the session's user properties. */
    public static final String USER_PROPERTY = "org.palaver.handshake-key";
    /** A socket opens milliseconds after its handshake; keys of handshakes that never opened make way. */
    static final int MAX_PENDING = 10_000;
    private static final String CONTESTED = "";

    private final Map<String, String> pending = new LinkedHashMap<>(64, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > MAX_PENDING;
        }
    };

    /** The filter saw a WebSocket handshake with this key from this address. */
    public void expect(String key, String address) {
        if (key == null || key.isEmpty()) {
            return;
        }
        synchronized (pending) {
            pending.merge(key, address, (first, second) -> first.equals(second) ? first : CONTESTED);
        }
    }

    /** The address the filter saw for this handshake key, once; empty when unknown or contested. */
    public Optional<String> claim(Object key) {
        if (!(key instanceof String text)) {
            return Optional.empty();
        }
        String found;
        synchronized (pending) {
            found = pending.remove(text);
        }
        return found == null || found.isEmpty() ? Optional.empty() : Optional.of(found);
    }
}
