package org.palaver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.palaver.it.ClusterNodes.awaitCluster;
import static org.palaver.it.ClusterNodes.freePort;
import static org.palaver.it.ClusterNodes.members;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A Kurento room across cluster nodes, through a real media server: a room of node A's, joined
 * through node B, has its pipeline on the media server tagged with A; after a {@code kill -9} of
 * A the page resumes through B, which takes the room over and rebuilds its pipeline on the same
 * media server (tagged with B), and B's sweep releases the pipeline A left behind. On Payara Micro
 * only (the cluster and media code are the same on WildFly, whose cluster runs in ClusterIT and
 * ClusterBrowserIT).
 */
class ClusterKurentoIT {

    private static final String SECRET = "cluster-kurento-it-secret-0123456789";
    private static final Duration WAIT = Duration.ofSeconds(60);
    private final List<ServerProcess> servers = new ArrayList<>();
    private final List<SignalClient> clients = new ArrayList<>();
    private RealKms kms;

    @AfterEach
    void stop() throws Exception {
        clients.forEach(SignalClient::close);
        for (ServerProcess server : servers) {
            server.close();
        }
        if (kms != null) {
            kms.close();
        }
    }

    @Test
    void aKurentoRoomRebuiltOnAnotherNodeKeepsItsMediaServerAndTheDeadNodesPipelineIsReleased() throws Exception {
        Deployments.onlyOnPayara("checked on Payara Micro; the same code runs on WildFly");
        kms = RealKms.startOrSkip();
        int[] ports = {freePort(), freePort()};
        String members = "127.0.0.1:" + ports[0] + ",127.0.0.1:" + ports[1];
        ServerProcess a = node(members, ports[0]);
        ServerProcess b = node(members, ports[1]);
        ClusterNodes.startAll(servers);
        String nodeA = awaitCluster(a, data -> members(data) == 2).getString("node");
        String nodeB = awaitCluster(b, data -> members(data) == 2).getString("node");
        ServerProcess.awaitReady(a.base(), WAIT); // the media server reached too
        ServerProcess.awaitReady(b.base(), WAIT);

        String room = Deployments.createRoom(a.base());
        String json = HttpClient.newHttpClient().send(HttpRequest.newBuilder(b.base().resolve("api/rooms/" + room)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(json.contains("\"media\":\"kurento\""), json);
        SignalClient alice = SignalClient.join(b.base(), room, "Alice"); // relayed to A, the owner
        clients.add(alice);
        List<Map<String, String>> before = awaitPipelines(1);
        assertEquals(room, before.get(0).get("palaver.room"));
        assertEquals(nodeA, before.get(0).get("palaver.node"), "made by the room's node: " + before);

        a.kill();
        assertEquals(1013, alice.awaitClose(), "the page is told to reconnect");
        awaitCluster(b, data -> members(data) == 1);
        long killed = System.nanoTime();
        SignalClient back = SignalClient.connect(b.base(), room);
        clients.add(back);
        back.send("{\"type\":\"resume\",\"token\":\"" + alice.joined().getString("resumeToken") + "\"}");
        back.await("joined");
        assertEquals(alice.id(), back.id(), "Alice is Alice again, on B");

        // B rebuilt the room on the same media server, and released what A left there.
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<Map<String, String>> after = kms.pipelineTags();
        while (!(after.size() == 1 && nodeB.equals(after.get(0).get("palaver.node"))) && System.nanoTime() < deadline) {
            Thread.sleep(250);
            after = kms.pipelineTags();
        }
        assertEquals(1, after.size(), "one pipeline left: " + after);
        assertEquals(room, after.get(0).get("palaver.room"));
        assertEquals(nodeB, after.get(0).get("palaver.node"), "the rebuilt room's, made by B: " + after);
        System.out.printf("ClusterKurentoIT: the dead node's pipeline was released %d ms after the resume began%n",
                Duration.ofNanos(System.nanoTime() - killed).toMillis());
    }

    private ServerProcess node(String members, int clusterPort) throws Exception {
        ServerProcess node = ServerProcess.forTests(Map.of(
                "palaver.cluster.members", members,
                "palaver.cluster.port", Integer.toString(clusterPort),
                "palaver.cluster.name", "palaver-kurento-it",
                "palaver.cluster.secret", SECRET,
                "palaver.secret", ClusterNodes.TOKEN_SECRET,
                "palaver.kms.url", kms.url().toString(),
                "palaver.kms.sweep-interval", "PT2S"));
        servers.add(node);
        return node;
    }

    private List<Map<String, String>> awaitPipelines(int count) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<Map<String, String>> seen = kms.pipelineTags();
        // tags are added just after the pipeline is made
        while ((seen.size() != count || seen.stream().anyMatch(tags -> !tags.containsKey("palaver.node")))
                && System.nanoTime() < deadline) {
            Thread.sleep(200);
            seen = kms.pipelineTags();
        }
        assertEquals(count, seen.size(), "pipelines: " + seen);
        return seen;
    }
}
