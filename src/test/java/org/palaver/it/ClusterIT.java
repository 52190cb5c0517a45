package org.palaver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.palaver.it.ClusterNodes.awaitCluster;
import static org.palaver.it.ClusterNodes.cluster;
import static org.palaver.it.ClusterNodes.freePort;
import static org.palaver.it.ClusterNodes.members;
import static org.palaver.it.ClusterNodes.startAll;

/**
 * Several nodes on the built WAR, each a server process of this test's own with the same
 * {@code palaver.cluster.members}: two with the cluster's secret find each other, a third with
 * another secret is refused and stays alone, any node serves a room another node owns (REST and
 * signaling, relayed to the owner), and a node killed outright leaves the grid and the sockets
 * relayed to it are closed so their pages reconnect, resume through a survivor and find the room
 * rebuilt there under the same participant ids. What each node sees of the grid comes from
 * its readiness check {@code cluster} (Palaver has no admin endpoint).
 */
class ClusterIT {

    private static final String SECRET = "cluster-it-secret-0123456789abcdef";
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<ServerProcess> servers = new ArrayList<>();
    private final List<SignalClient> clients = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        clients.forEach(SignalClient::close);
        for (ServerProcess server : servers) {
            server.close();
        }
    }

    @Test
    void nodesWithTheSecretFormOneGridServeEachOthersRoomsAndADeadNodeLeavesIt() throws Exception {
        int[] ports = {freePort(), freePort(), freePort()};
        String members = "127.0.0.1:" + ports[0] + ",127.0.0.1:" + ports[1] + ",127.0.0.1:" + ports[2];
        ServerProcess a = node(members, ports[0], SECRET);
        ServerProcess b = node(members, ports[1], SECRET);
        ServerProcess stranger = node(members, ports[2], "another-secret-0123456789abcdef");

        startAll(servers);

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

        Call call = anyNodeServesAnyRoom(a, b);
        SignalClient relayedToTheDeadOwner = drainAndServeAgain(a, b, call);

        // kill -9: no goodbye; the survivor notices and drops the dead node's entry
        long killed = System.nanoTime();
        a.kill();
        int code = relayedToTheDeadOwner.awaitClose();
        long closedAfter = Duration.ofNanos(System.nanoTime() - killed).toMillis();
        assertEquals(1013, code, "try again later: the page reconnects and resumes");
        List<JsonObject> errors = relayedToTheDeadOwner.all("error");
        assertEquals("owner-unavailable", errors.get(errors.size() - 1).getString("error"), "the page learns why");
        assertTrue(closedAfter < 20_000, "closed " + closedAfter + " ms after the owner died");
        JsonObject survivor = awaitCluster(b, data -> members(data) == 1 && data.getString("nodes").equals(nodeB));
        assertEquals(nodeB, survivor.getString("node"));
        long leftAfter = Duration.ofNanos(System.nanoTime() - killed).toMillis();

        // the pages resume through the survivor: it takes the room over, under the same ids
        SignalClient daveBack = resume(b, call.room(), relayedToTheDeadOwner);
        long rebuiltAfter = Duration.ofNanos(System.nanoTime() - killed).toMillis();
        assertTrue(daveBack.joined().getBoolean("resumed"), daveBack.joined().toString());
        assertEquals(relayedToTheDeadOwner.id(), daveBack.id(), "Dave is Dave again");
        SignalClient aliceBack = resume(b, call.room(), call.alice());
        assertEquals(call.alice().id(), aliceBack.id(), "Alice, whose node died, is Alice again");
        assertEquals(aliceBack.id(), daveBack.await(m -> "participant-joined".equals(m.getString("type"))
                && aliceBack.id().equals(m.getJsonObject("participant").getString("id")), "Alice back").getJsonObject("participant")
                .getString("id"));
        JsonObject rebuilt = json(get(b, "api/rooms/" + call.room()).body());
        assertEquals(Set.of(aliceBack.id(), daveBack.id()), rebuilt.getJsonArray("participants").getValuesAs(JsonObject.class)
                .stream().map(p -> p.getString("id")).collect(java.util.stream.Collectors.toSet()));
        daveBack.send("{\"type\":\"offer\",\"to\":\"" + aliceBack.id() + "\",\"sdp\":\"v=0 again\"}");
        assertEquals("v=0 again", aliceBack.await("offer").getString("sdp"), "signaling goes on in the rebuilt room");
        System.out.printf("ClusterIT: after kill -9 of the owner, its relayed socket closed after %d ms, the node left the grid"
                + " after %d ms, the room was rebuilt on the survivor after %d ms%n", closedAfter, leftAfter, rebuiltAfter);
    }

    private record Call(String room, SignalClient alice, SignalClient dave) {
    }

    /**
     * B drains: its room moves to A under the same ids, its socket of A's room is sent on, a new
     * socket through B is sent on too, a room asked of B is made on A, readiness says draining;
     * then the drain is called off. Returns Dave, back in A's room through B.
     */
    private SignalClient drainAndServeAgain(ServerProcess a, ServerProcess b, Call call) throws Exception {
        String room = json(http.send(HttpRequest.newBuilder(b.base().resolve("api/rooms")).POST(HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.ofString()).body()).getString("id");
        SignalClient erin = SignalClient.join(a.base(), room, "Erin");
        SignalClient frank = SignalClient.join(b.base(), room, "Frank");
        clients.add(erin);
        clients.add(frank);

        assertEquals(401, admin(b, "POST", null).statusCode(), "no token, no drain");
        assertEquals(401, admin(b, "POST", "not-the-token").statusCode());
        HttpResponse<String> started = admin(b, "POST", ClusterNodes.ADMIN_TOKEN);
        assertEquals(200, started.statusCode(), started.body());
        assertEquals("draining", json(started.body()).getString("state"));
        assertEquals(0, json(started.body()).getInt("rooms"), "B handed its room over at once");
        for (SignalClient moved : List.of(erin, frank, call.dave())) {
            assertEquals(1013, moved.awaitClose(), "the page reconnects");
            List<JsonObject> errors = moved.all("error");
            assertEquals("node-draining", errors.get(errors.size() - 1).getString("error"));
        }
        SignalClient erinBack = resume(a, room, erin);
        assertEquals(erin.id(), erinBack.id(), "A took B's room over");
        SignalClient bounced = SignalClient.connect(b.base(), room);
        clients.add(bounced);
        assertEquals(1013, bounced.awaitClose(), "a draining node takes no new sockets: the page tries another");
        assertEquals("node-draining", bounced.all("error").get(0).getString("error"));
        SignalClient frankBack = resume(a, room, frank);
        assertEquals(frank.id(), frankBack.id(), "Frank is back, through A");
        frankBack.send("{\"type\":\"chat\",\"text\":\"moved\"}");
        assertEquals("moved", erinBack.await("chat").getString("text"));

        HttpResponse<String> made = http.send(HttpRequest.newBuilder(b.base().resolve("api/rooms"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, made.statusCode(), made.body());
        String madeOnA = json(made.body()).getString("id");
        assertEquals(200, get(a, "api/rooms/" + madeOnA).statusCode());
        JsonObject status = json(admin(b, "GET", ClusterNodes.ADMIN_TOKEN).body());
        assertEquals(0, status.getInt("rooms"), "a draining node makes no room itself: " + status);
        assertEquals("draining", ClusterNodes.clusterCheck(b).getJsonObject("data").getString("state"));
        assertEquals("DOWN", ClusterNodes.clusterCheck(b).getString("status"), "a draining node is not ready for new traffic");

        assertEquals("serving", json(admin(b, "DELETE", ClusterNodes.ADMIN_TOKEN).body()).getString("state"));
        awaitCluster(b, data -> "serving".equals(data.getString("state")));
        return resume(b, call.room(), call.dave());
    }

    private HttpResponse<String> admin(ServerProcess node, String method, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(node.base().resolve("api/admin/drain"))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A page's reconnect: a new socket to {@code node} that resumes with the token {@code before} got. */
    private SignalClient resume(ServerProcess node, String room, SignalClient before) throws Exception {
        SignalClient again = SignalClient.connect(node.base(), room);
        clients.add(again);
        again.send("{\"type\":\"resume\",\"token\":\"" + before.joined().getString("resumeToken") + "\"}");
        again.await("joined");
        return again;
    }

    /**
     * A room of A's through B: the same JSON, the room page, and a call between a socket on A and one
     * on B, with ids, relays, chat and leave as on one node; hostile frames through B get the same
     * answers as through A. Returns the room with Alice, on A, and Dave, on B.
     */
    private Call anyNodeServesAnyRoom(ServerProcess a, ServerProcess b) throws Exception {
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(a.base().resolve("api/rooms"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, created.statusCode(), created.body());
        String room = json(created.body()).getString("id");
        assertEquals(json(get(a, "api/rooms/" + room).body()), json(get(b, "api/rooms/" + room).body()));
        assertEquals(200, get(b, "room/" + room).statusCode());
        assertEquals(404, get(b, "api/rooms/AAAAAAAAAAAAAAAAAAAAAA").statusCode(), "a room nobody owns");

        SignalClient alice = SignalClient.join(a.base(), room, "Alice");
        SignalClient bob = SignalClient.join(b.base(), room, "Bob");
        clients.add(alice);
        clients.add(bob);
        assertEquals(List.of(alice.id()), bob.joined().getJsonArray("participants").getValuesAs(JsonObject.class).stream()
                .map(p -> p.getString("id")).toList(), "Bob, on B, sees Alice, on A");
        JsonObject bobArrived = alice.await("participant-joined");
        assertEquals(bob.id(), bobArrived.getJsonObject("participant").getString("id"), "one id, assigned by the owner");
        assertEquals("Bob", bobArrived.getJsonObject("participant").getString("name"));
        JsonObject atA = json(get(a, "api/rooms/" + room).body());
        assertEquals(2, atA.getJsonArray("participants").size());
        assertEquals(atA, json(get(b, "api/rooms/" + room).body()), "B shows the room as its owner does");

        bob.send("{\"type\":\"offer\",\"to\":\"" + alice.id() + "\",\"sdp\":\"v=0 bob\"}");
        JsonObject offer = alice.await("offer");
        assertEquals(bob.id(), offer.getString("from"));
        assertEquals("v=0 bob", offer.getString("sdp"));
        alice.send("{\"type\":\"answer\",\"to\":\"" + bob.id() + "\",\"sdp\":\"v=0 alice\"}");
        JsonObject answer = bob.await("answer");
        assertEquals(alice.id(), answer.getString("from"));
        assertEquals("v=0 alice", answer.getString("sdp"));
        bob.send("{\"type\":\"chat\",\"text\":\"hello from B\"}");
        assertEquals(bob.id(), alice.await("chat").getString("from"));
        assertEquals("hello from B", bob.await("chat").getString("text"));

        // hostile frames: through B exactly the answers A gives its own sockets, and the room goes on
        SignalClient carol = SignalClient.join(a.base(), room, "Carol");
        SignalClient dave = SignalClient.join(b.base(), room, "Dave");
        clients.add(carol);
        clients.add(dave);
        List<String> atOwner = hostile(carol, 7);
        List<String> throughB = hostile(dave, 7);
        assertEquals(atOwner, throughB);
        assertTrue(java.util.regex.Pattern.compile("error/[a-z-]+").matcher(atOwner.toString()).results().map(m -> m.group())
                .distinct().count() >= 5, "a variety of refusals: " + atOwner);
        bob.send("{\"type\":\"chat\",\"text\":\"still here\"}");
        assertEquals("still here", alice.await(m -> "chat".equals(m.getString("type")) && m.getString("text").equals("still here"),
                "chat after the hostile frames").getString("text"));

        bob.send("{\"type\":\"leave\"}");
        JsonObject left = alice.await("participant-left");
        assertEquals(bob.id(), left.getString("id"));
        assertEquals("left", left.getString("reason"));
        return new Call(room, alice, dave);
    }

    /** The outcome of each hostile frame at its sender: its replies' kinds and error codes, up to a marker. */
    private static List<String> hostile(SignalClient client, long seed) throws Exception {
        HostileMessages messages = new HostileMessages(seed, client.id());
        List<String> outcomes = new ArrayList<>();
        for (int i = 0; i < 80; i++) {
            int before = client.allMessages().size();
            String frame = messages.next();
            if (frame == null) {
                client.sendBinary(new byte[] {(byte) i, 0, (byte) 0xff});
            } else {
                client.send(frame);
            }
            String marker = "marker-" + i;
            client.send("{\"type\":\"offer\",\"to\":\"" + marker + "\",\"sdp\":\"x\"}");
            client.await(m -> m.getString("message", "").contains(marker), marker);
            List<JsonObject> replies = client.allMessages().subList(before, client.allMessages().size());
            outcomes.add(i + ":" + replies.stream()
                    .filter(m -> !m.getString("message", "").contains(marker))
                    .filter(m -> Set.of("error", "pong").contains(m.getString("type")))
                    .map(m -> m.getString("type") + "/" + m.getString("error", ""))
                    .toList());
            Thread.sleep(10); // well under the rate limit
        }
        return outcomes;
    }

    private HttpResponse<String> get(ServerProcess server, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(server.base().resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonObject json(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }

    private ServerProcess node(String members, int clusterPort, String secret) throws Exception {
        ServerProcess server = ClusterNodes.node(members, clusterPort, secret);
        servers.add(server);
        return server;
    }

    private static String sorted(String one, String other) {
        return one.compareTo(other) < 0 ? one + "," + other : other + "," + one;
    }

}
