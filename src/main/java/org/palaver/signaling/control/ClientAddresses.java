package org.palaver.signaling.control;

import jakarta.enterprise.context.ApplicationScoped;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Carries a signaling connection's client address from the servlet filter, which sees it, to the
 * WebSocket endpoint, which does not (Jakarta WebSocket has no portable remote address). Both see
 * the handshake's {@code Sec-WebSocket-Key}, a fresh random value per handshake, so the filter
 * leaves the address here under that key and the endpoint takes it when the socket opens. The
 * request itself is left untouched. A key presented from two different addresses gives neither an
 * address, so a client cannot borrow another's address; presented twice from one address, it
 * keeps that address, so reusing a key gains nothing. A connection without an address (that, or
 * a handshake with two keys) counts as {@link #UNKNOWN}: every such connection shares one set of
 * per-address limits, the strictest there is, so hiding one's address never buys more tries.
 */
@ApplicationScoped
public class ClientAddresses {

    public static final String KEY_HEADER = "Sec-WebSocket-Key";
    /** Where the endpoint's configurator leaves the handshake's key in the session's user properties. */
    public static final String USER_PROPERTY = "org.palaver.handshake-key";
    /** A socket opens milliseconds after its handshake; keys of handshakes that never opened make way. */
    static final int MAX_PENDING = 10_000;
    private static final String CONTESTED = "";
    /** The address of every connection whose address is not known. */
    public static final String UNKNOWN = "unknown";

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

    /** The address the filter saw for this handshake key, once; {@link #UNKNOWN} when unknown or contested. */
    public String claim(Object key) {
        if (!(key instanceof String text)) {
            return UNKNOWN;
        }
        String found;
        synchronized (pending) {
            found = pending.remove(text);
        }
        return found == null || found.isEmpty() ? UNKNOWN : found;
    }

    /** What per-address limits count by: the address itself, or for IPv6 its /64, the block one host usually has. */
    public static String block(String address) {
        if (address.indexOf(':') < 0) {
            return address;
        }
        try {
            byte[] bytes = InetAddress.getByName(address).getAddress(); // a literal: no lookup
            return bytes.length == 16 ? HexFormat.of().formatHex(bytes, 0, 8) + "::/64" : address;
        } catch (UnknownHostException e) {
            return address;
        }
    }
}
