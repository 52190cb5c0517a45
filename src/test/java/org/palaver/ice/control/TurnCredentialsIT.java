package org.palaver.ice.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.File;
import java.net.DatagramSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The TURN credentials Palaver hands to browsers, tried against a real coturn (Debian's package)
 * on loopback with {@code use-auth-secret}: an allocation with them succeeds; a tampered or
 * expired one is refused. {@code turnutils_uclient} (coturn's own client) does the allocating.
 */
class TurnCredentialsIT {

    static final String SECRET = "palaver-turn-test-secret";
    static Process coturn;
    static int port;

    @BeforeAll
    static void startCoturn() throws Exception {
        try (DatagramSocket probe = new DatagramSocket(0)) {
            port = probe.getLocalPort();
        }
        coturn = new ProcessBuilder("turnserver", "-n", "--listening-ip=127.0.0.1", "--relay-ip=127.0.0.1",
                "--listening-port=" + port, "--use-auth-secret", "--static-auth-secret=" + SECRET, "--realm=palaver.test",
                "--no-tls", "--no-dtls", "--no-cli", "--allow-loopback-peers", "--simple-log", "--log-file=stdout")
                .redirectErrorStream(true)
                .redirectOutput(new File(System.getProperty("java.io.tmpdir"), "palaver-coturn.log"))
                .start();
        Thread.sleep(1500); // coturn has no readiness signal; the first allocation below would also retry
    }

    @AfterAll
    static void stopCoturn() throws Exception {
        if (coturn != null) {
            coturn.destroy();
            coturn.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void issuedCredentialsAllocate() throws Exception {
        IceServers.IceServer turn = issued(Instant.now());
        assertEquals(0, allocate(turn.username(), turn.credential()), "allocation with the issued credentials");
    }

    @Test
    void tamperedCredentialIsRefused() throws Exception {
        IceServers.IceServer turn = issued(Instant.now());
        String tampered = (turn.credential().charAt(0) == 'A' ? "B" : "A") + turn.credential().substring(1);
        assertNotEquals(0, allocate(turn.username(), tampered));
        String otherUser = (Instant.now().getEpochSecond() + 3600) + ":someone-else";
        assertNotEquals(0, allocate(otherUser, turn.credential()), "a credential is bound to its username");
    }

    @Test
    void expiredCredentialIsRefused() throws Exception {
        IceServers.IceServer old = issued(Instant.now().minus(Duration.ofHours(2)));
        assertNotEquals(0, allocate(old.username(), old.credential()));
    }

    private static IceServers.IceServer issued(Instant now) {
        List<IceServers.IceServer> servers = IceServers.forBrowser(Optional.of("turn:127.0.0.1:" + port),
                Optional.of(SECRET), Duration.ofHours(1), now);
        assertEquals(1, servers.size());
        return servers.get(0);
    }

    private static int allocate(String username, String credential) throws Exception {
        Process client = new ProcessBuilder("turnutils_uclient", "-u", username, "-w", credential,
                "-p", Integer.toString(port), "-n", "1", "-m", "1", "-y", "-e", "127.0.0.1", "127.0.0.1")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (!client.waitFor(60, TimeUnit.SECONDS)) {
            client.destroyForcibly();
            throw new AssertionError("turnutils_uclient did not finish");
        }
        return client.exitValue();
    }
}
