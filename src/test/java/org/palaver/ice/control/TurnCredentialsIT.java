package org.palaver.ice.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.File;
import java.net.DatagramSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
 * on loopback with {@code use-auth-secret} and the quotas of docker-compose.yml: an allocation
 * with them succeeds; a tampered or expired one is refused; one participant holds at most its
 * quota of relays, however often its credentials are renewed. {@code turnutils_uclient}
 * (coturn's own client) and {@link TurnClient} do the allocating.
 */
class TurnCredentialsIT {

    static final String SECRET = "palaver-turn-test-secret";
    static Process coturn;
    static int port;
    static int userQuota;

    @BeforeAll
    static void startCoturn() throws Exception {
        try (DatagramSocket probe = new DatagramSocket(0)) {
            port = probe.getLocalPort();
        }
        String compose = Files.readString(Path.of("docker-compose.yml"));
        userQuota = composeDefault(compose, "user-quota");
        coturn = new ProcessBuilder("turnserver", "-n", "--listening-ip=127.0.0.1", "--relay-ip=127.0.0.1",
                "--listening-port=" + port, "--use-auth-secret", "--static-auth-secret=" + SECRET, "--realm=palaver.test",
                "--user-quota=" + userQuota, "--total-quota=" + composeDefault(compose, "total-quota"),
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

    @Test
    void aParticipantHoldsAtMostItsQuotaOfRelaysHoweverOftenItsCredentialsAreRenewed() throws Exception {
        List<TurnClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < userQuota; i++) {
                // Renewed credentials each time: a new expiry, the same participant.
                IceServers.IceServer turn = issued(Instant.now().plusSeconds(i), "p-mallory");
                TurnClient client = new TurnClient(port);
                clients.add(client);
                assertEquals(TurnClient.OK, client.allocate(turn.username(), turn.credential()), "allocation " + (i + 1));
            }
            IceServers.IceServer renewed = issued(Instant.now().plusSeconds(60), "p-mallory");
            TurnClient oneTooMany = new TurnClient(port);
            clients.add(oneTooMany);
            assertEquals(486, oneTooMany.allocate(renewed.username(), renewed.credential()), "allocation quota reached");
            IceServers.IceServer someoneElse = issued(Instant.now(), "p-alice");
            TurnClient alice = new TurnClient(port);
            clients.add(alice);
            assertEquals(TurnClient.OK, alice.allocate(someoneElse.username(), someoneElse.credential()), "another participant still gets a relay");
        } finally {
            clients.forEach(TurnClient::close);
        }
    }

    /** The default of a coturn option in docker-compose.yml, e.g. {@code "--user-quota=${TURN_USER_QUOTA:-24}"}. */
    private static int composeDefault(String compose, String option) {
        Matcher m = Pattern.compile("--" + option + "=\\$\\{[A-Z_]+:-(\\d+)}").matcher(compose);
        if (!m.find()) {
            throw new AssertionError("docker-compose.yml sets no " + option + " for coturn");
        }
        return Integer.parseInt(m.group(1));
    }

    private static IceServers.IceServer issued(Instant now, String participant) {
        List<IceServers.IceServer> servers = IceServers.forBrowser(Optional.of("turn:127.0.0.1:" + port),
                Optional.of(SECRET), Duration.ofMinutes(10), now, participant);
        return servers.get(0);
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
