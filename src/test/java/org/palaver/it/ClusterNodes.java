package org.palaver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.json.Json;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import java.io.StringReader;
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

/**
 * Cluster nodes for tests: server processes of a test's own with the cluster keys, booted side by
 * side, and what each says of the grid through its readiness check {@code cluster} (Palaver has
 * no admin endpoint).
 */
final class ClusterNodes {

    /** The same on every node: a page's resume token from one node is good on the others. */
    static final String TOKEN_SECRET = "cluster-it-token-secret-0123456789abcdef";
    /** The admin API's bearer token on every node. */
    static final String ADMIN_TOKEN = "cluster-it-admin-token-0123456789";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private ClusterNodes() {
    }

    /** A node (not started) of the cluster {@code members}, on its own cluster port. */
    static ServerProcess node(String members, int clusterPort, String clusterSecret) throws Exception {
        return ServerProcess.forTests(Map.of(
                "palaver.cluster.members", members,
                "palaver.cluster.port", Integer.toString(clusterPort),
                "palaver.cluster.name", "palaver-it",
                "palaver.cluster.secret", clusterSecret,
                "palaver.secret", TOKEN_SECRET,
                "palaver.admin.token", ADMIN_TOKEN));
    }

    /** Boots all of them side by side: the slowest boot, not the sum. */
    static void startAll(List<ServerProcess> servers) throws Exception {
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
    }

    /** Polls readiness until the check {@code cluster} is UP with data that {@code wanted} accepts; returns that data. */
    static JsonObject awaitCluster(ServerProcess server, Predicate<JsonObject> wanted) throws Exception {
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

    static JsonObject cluster(ServerProcess server) throws Exception {
        JsonObject check = clusterCheck(server);
        assertEquals("UP", check.getString("status"), check.toString());
        return check.getJsonObject("data");
    }

    static JsonObject clusterCheck(ServerProcess server) throws Exception {
        HttpResponse<String> ready = HTTP.send(HttpRequest.newBuilder(server.base().resolve("health/ready")).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonObject health = Json.createReader(new StringReader(ready.body())).readObject();
        return health.getJsonArray("checks").getValuesAs(JsonObject.class).stream()
                .filter(c -> c.getString("name").equals("cluster")).findFirst()
                .orElseThrow(() -> new AssertionError("no cluster check in " + ready.body()));
    }

    /** Payara renders health data numbers as JSON strings, WildFly as numbers. */
    static int members(JsonObject data) {
        return data.get("members") instanceof JsonNumber number ? number.intValue() : Integer.parseInt(data.getString("members"));
    }

    static int freePort() throws Exception {
        return Ports.free();
    }
}
