package org.palaver.it;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ports for the servers the tests start. A port the kernel hands out for {@code bind(0)} comes
 * from its ephemeral range, which outgoing connections draw from too: between the pick and the
 * server's own bind (a WildFly boot takes 25 s) a connection of another node could take it, and
 * the server would fail with "Address already in use". So ports come from below that range, each
 * checked free, and never the same twice in one test run.
 */
public final class Ports {

    private static final int FIRST = 10_000;
    /** The build reserves the WildFly test run's ports from here up (pom.xml, reserve-network-port). */
    private static final int BUILD_RESERVED = 20_000;
    /** The next port to try; starts at a spot of its own per process, so two test runs side by side seldom meet. */
    private static final AtomicInteger NEXT = new AtomicInteger(FIRST + (int) (ProcessHandle.current().pid() * 7_919 % 10_000));

    private Ports() {
    }

    /** A port no server listens on now, on any address, below the kernel's ephemeral range and the build's ports. */
    public static int free() throws IOException {
        int limit = Math.min(ephemeralLow(), BUILD_RESERVED);
        for (int tries = 0; tries < 2_000; tries++) {
            int port = NEXT.getAndUpdate(p -> p + 1 >= limit ? FIRST : p + 1);
            if (port < FIRST || port >= limit) {
                continue;
            }
            try (ServerSocket probe = new ServerSocket()) {
                probe.bind(new InetSocketAddress(port));
                return port;
            } catch (IOException taken) {
                // in use: the next one
            }
        }
        throw new IOException("no free port between " + FIRST + " and " + limit);
    }

    /** The first port of the kernel's ephemeral range (32768 when it cannot be read). */
    static int ephemeralLow() {
        try {
            // read by lines: a /proc file reports size 0, and a read by that size can stop after one byte
            return Integer.parseInt(Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 32_768;
        }
    }
}
