package org.palaver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import jakarta.json.Json;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Several nodes on the built WAR, each a server process of this test's own with the same
 * {@code palaver.cluster.members}: two with the cluster's secret find each other, a third with
 * another secret is refused and stays alone, and a node killed outright leaves the grid. What
 * each node sees comes from its readiness check {@code cluster} (Palaver has no admin endpoint).
 */
class ClusterIT {

    private static final String SECRET = "cluster-it-secret-0123456789abcdef";
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<ServerProcess> servers = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (ServerProcess server : servers) {
            server.close();
        }
    }

    @Test
    void nodesWithTheSecretFormOneGridOthersAreRefusedAndADeadNodeLeavesIt() throws Exception {
        int[] ports = {freePort(), freePort(), freePort()};
        String members = "127.0.0.1:" + ports[0] + ",127.0.0.1:" + ports[1] + ",127.0.0.1:" + ports[2];
        ServerProcess a = node(members, ports[0], SECRET);
        ServerProcess b = node(members, ports[1], SECRET);
        ServerProcess stranger = node(members, ports[2], "another-secret-0123456789abcdef");

        // booted side by side: the slowest boot, not the sum of three
        ExecutorService boots = Executors.newFixedThreadPool(servers.size());
        try {
            List<Future<Duration>> started = new ArrayList<>();
            for (ServerProcess server : servers) {
                started.add(boots.submit(server::start));
            }
            for (Future<Duration> boot : started) {
                boot.get();
            }
        } finally {
            boots.shutdownNow();
        }

        JsonObject atA = awaitCluster(a, data -> members(data) == 2 && data.getString("nodes").split(",").length == 2);
        JsonObject atB = awaitCluster(b, data -> members(data) == 2 && data.getString("nodes").split(",").length == 2);
        String nodeA = atA.getString("node");
        String nodeB = atB.getString("node");
        assertNotEquals(nodeA, nodeB);
        assertEquals(sorted(nodeA, nodeB), atA.getString("nodes"), "both nodes registered in palaver-nodes");
        assertEquals(sorted(nodeA, nodeB), atB.getString("nodes"));

        // the node without the secret asked to join under another cluster name and was refused: alone, but serving
        JsonObject alone = awaitCluster(stranger, data -> members(data) == 1);
        assertEquals(alone.getString("node"), alone.getString("nodes"));
        assertFalse(cluster(a).getString("nodes").contains(alone.getString("node")));
        assertEquals(2, members(cluster(a)), "the refused node never counted");
        assertEquals(2, members(cluster(b)));

        // kill -9: no goodbye; the survivor notices and drops the dead node's entry
        long killed = System.nanoTime();
        a.kill();
        JsonObject survivor = awaitCluster(b, data -> members(data) == 1 && data.getString("nodes").equals(nodeB));
        assertEquals(nodeB, survivor.getString("node"));
        System.out.printf("ClusterIT: a killed node left the grid after %d ms%n", Duration.ofNanos(System.nanoTime() - killed).toMillis());
    }

    private ServerProcess node(String members, int clusterPort, String secret) throws Exception {
        ServerProcess server = ServerProcess.forTests(Map.of(
                "palaver.cluster.members", members,
                "palaver.cluster.port", Integer.toString(clusterPort),
                "palaver.cluster.name", "palaver-it",
                "palaver.cluster.secret", secret));
        servers.add(server);
        return server;
    }

    /** Polls readiness until the check {@code cluster} is UP with data that {@code wanted} accepts; returns that data. */
    private JsonObject awaitCluster(ServerProcess server, Predicate<JsonObject> wanted) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        JsonObject last = null;
        while (System.nanoTime() < deadline) {
            last = clusterCheck(server);
            if ("UP".equals(last.getString("status")) && wanted.test(last.getJsonObject("data"))) {
                return last.getJsonObject("data");
            }
            Thread.sleep(250);
        }
        throw new AssertionError("cluster readiness at " + server.base() + " never got there; last: " + last);
    }

    private JsonObject cluster(ServerProcess server) throws Exception {
        JsonObject check = clusterCheck(server);
        assertEquals("UP", check.getString("status"), check.toString());
        return check.getJsonObject("data");
    }

    private JsonObject clusterCheck(ServerProcess server) throws Exception {
        HttpResponse<String> ready = http.send(HttpRequest.newBuilder(server.base().resolve("health/ready")).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonObject health = Json.createReader(new StringReader(ready.body())).readObject();
        JsonObject check = health.getJsonArray("checks").getValuesAs(JsonObject.class).stream()
                .filter(c -> c.getString("name").equals("cluster")).findFirst()
                .orElseThrow(() -> new AssertionError("no cluster check in " + ready.body()));
        return check;
    }

    /** Payara renders health data numbers as JSON strings, WildFly as numbers. */
    private static int members(JsonObject data) {
        return data.get("members") instanceof JsonNumber number ? number.intValue() : Integer.parseInt(data.getString("members"));
    }

    private static String sorted(String one, String other) {
        return one.compareTo(other) < 0 ? one + "," + other : other + "," + one;
    }

    private static int freePort() throws Exception {
        try (ServerSocket probe = new ServerSocket(0)) {
            return probe.getLocalPort();
        }
    }
}
