package org.palaver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Resume tokens and TURN credentials on the built WAR, on server processes of this test's own
 * (Arquillian cannot restart a server): a second start with the same {@code palaver.secret} is
 * the restarted server.
 */
class TokensAndTurnIT {

    static final String SECRET = "tokens-and-turn-test-secret-0123456789";
    static final Map<String, String> SETTINGS = Map.of(
            "palaver.secret", SECRET,
            "palaver.room.empty-ttl", "PT2S",
            "palaver.reconnect.grace", "PT1S",
            "palaver.ice.servers", "stun:127.0.0.1:3478,turn:127.0.0.1:3478?transport=udp",
            "palaver.turn.secret", "tokens-and-turn-turn-secret");

    ServerProcess first;
    ServerProcess second;

    @AfterEach
    void stop() throws Exception {
        for (ServerProcess server : new ServerProcess[] {first, second}) {
            if (server != null) {
                server.close();
            }
        }
    }

    static ServerProcess started(Map<String, String> extra) throws Exception {
        Map<String, String> settings = new HashMap<>(SETTINGS);
        settings.putAll(extra);
        ServerProcess server = ServerProcess.forTests(settings);
        server.start();
        return server;
    }

    @Test
    void turnCredentialsOnlyForParticipantsAndLostRoomsComeBackOnlyAfterARestart() throws Exception {
        first = started(Map.of());
        URI base = first.base();

        // TURN: nothing for anonymous callers; participants get short-lived credentials of their own.
        String anonymous = HttpClient.newHttpClient().send(HttpRequest.newBuilder(base.resolve("api/ice-servers")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(anonymous.contains("stun:127.0.0.1:3478"), anonymous);
        assertFalse(anonymous.contains("turn:") || anonymous.contains("credential"), anonymous);
        String room = Deployments.createRoom(base);
        String other = Deployments.createRoom(base);
        String expiring = Deployments.createRoom(base);
        try (SignalClient stranger = SignalClient.connect(base, room)) {
            stranger.send("{\"type\":\"ice-servers\"}");
            assertEquals("not-joined", stranger.await("error").getString("error"));
        }
        SignalClient alice = SignalClient.join(base, room, "Alice");
        SignalClient bob = SignalClient.join(base, room, "Bob");
        SignalClient carol = SignalClient.join(base, other, "Carol");
        JsonObject joined = alice.joined();
        assertEquals(600, joined.getInt("iceServersTtl"), "palaver.turn.ttl defaults to PT10M");
        JsonObject turn = joined.getJsonArray("iceServers").getJsonObject(1);
        assertEquals("turn:127.0.0.1:3478?transport=udp", turn.getJsonArray("urls").getString(0));
        assertTrue(turn.getString("username").endsWith(":" + alice.id()), turn.toString());
        alice.send("{\"type\":\"ice-servers\"}");
        JsonObject renewed = alice.await("ice-servers");
        assertEquals(600, renewed.getInt("ttl"));
        assertTrue(renewed.getJsonArray("iceServers").getJsonObject(1).containsKey("credential"));

        // A room that expired on this server stays gone, even for its own tokens.
        String daveToken;
        try (SignalClient dave = SignalClient.join(base, expiring, "Dave")) {
            daveToken = dave.joined().getString("resumeToken");
            dave.send("{\"type\":\"leave\"}");
            dave.sync();
        }
        awaitGone(base, expiring);
        try (SignalClient dave = SignalClient.connect(base, expiring)) {
            dave.send(resume(daveToken));
            assertEquals("room-not-found", dave.await("error").getString("error"));
        }
        assertEquals(404, status(base, expiring));

        alice.send("{\"type\":\"chat\",\"text\":\"before the restart\"}");
        String chatBefore = bob.await("chat").getString("id");
        String aliceToken = alice.joined().getString("resumeToken");
        String bobToken = bob.joined().getString("resumeToken");
        String carolToken = carol.joined().getString("resumeToken");
        first.kill();
        for (SignalClient c : new SignalClient[] {alice, bob, carol}) {
            c.abort();
        }

        // The restarted server (here with room for one room only) rebuilds what it lost, within its limit.
        second = started(Map.of("palaver.limits.max-rooms", "1"));
        URI again = second.base();
        try (SignalClient alice2 = SignalClient.connect(again, room)) {
            alice2.send(resume(aliceToken));
            JsonObject back = alice2.await("joined");
            assertTrue(back.getBoolean("restored"));
            assertNotEquals(aliceToken, back.getString("resumeToken"), "a token of the new start");
            try (SignalClient carol2 = SignalClient.connect(again, other)) {
                carol2.send(resume(carolToken));
                assertEquals("too-many-rooms", carol2.await("error").getString("error"));
            }
            // Chat ids of the rebuilt room are new: pages that kept the old messages show the new ones.
            alice2.send("{\"type\":\"chat\",\"text\":\"after the restart\"}");
            String chatAfter = alice2.await("chat").getString("id");
            assertNotEquals(chatBefore, chatAfter);
            alice2.send("{\"type\":\"leave\"}");
            alice2.sync();
        }
        // The rebuilt room empties and expires: Bob's old token cannot bring it back.
        awaitGone(again, room);
        try (SignalClient bob2 = SignalClient.connect(again, room)) {
            bob2.send(resume(bobToken));
            assertEquals("room-not-found", bob2.await("error").getString("error"));
        }
        assertEquals(404, status(again, room));
    }

    private static String resume(String token) {
        return Json.createObjectBuilder().add("type", "resume").add("token", token).build().toString();
    }

    private static int status(URI base, String room) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(base.resolve("api/rooms/" + room)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static void awaitGone(URI base, String room) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (status(base, room) != 404) {
            assertFalse(System.nanoTime() > deadline, "room " + room + " never expired");
            Thread.sleep(200);
        }
    }
}
