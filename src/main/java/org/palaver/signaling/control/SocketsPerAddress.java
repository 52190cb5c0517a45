package org.palaver.signaling.control;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Open signaling sockets per client address (IPv6: per /64), so that one client cannot hold the
 * server's sockets for everyone. Thread-safe; holds an entry only per address with a socket open.
 */
final class SocketsPerAddress {

    private final int max;
    private final ConcurrentMap<String, Integer> open = new ConcurrentHashMap<>();

    SocketsPerAddress(int max) {
        this.max = max;
    }

    /** Counts a new socket from this address; false, counting nothing, when it has {@code max} open. */
    boolean tryOpen(String address) {
        boolean[] admitted = {false};
        open.compute(ClientAddresses.block(address), (key, count) -> {
            int now = count == null ? 0 : count;
            if (now >= max) {
                return count;
            }
            admitted[0] = true;
            return now + 1;
        });
        return admitted[0];
    }

    /** A socket counted by {@link #tryOpen} is gone. */
    void closed(String address) {
        open.computeIfPresent(ClientAddresses.block(address), (key, count) -> count <= 1 ? null : count - 1);
    }

    int open(String address) {
        return open.getOrDefault(ClientAddresses.block(address), 0);
    }
}
