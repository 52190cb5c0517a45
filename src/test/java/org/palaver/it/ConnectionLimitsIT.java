package org.palaver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Sockets that never join, and sockets per client address. These need settings of their own (a
 * join timeout of 2 s and 6 sockets per address would get in the way of {@link ServerIT}, whose
 * sockets all come from one address), so the built WAR runs on a server process of this class's
 * own (see {@link ServerProcess}).
 */
class ConnectionLimitsIT {

    static final int PER_ADDRESS = 6;
    static ServerProcess server;
    static URI base;

    @BeforeAll
    static void start() throws Exception {
        server = ServerProcess.forTests(Map.of(
                "palaver.limits.join-timeout", "PT2S",
                "palaver.limits.connections-per-address", Integer.toString(PER_ADDRESS),
                "palaver.heartbeat.interval", "PT1S"));
        server.start();
        base = server.base();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aSocketThatDoesNotJoinInTimeIsClosedWithAReason() throws Exception {
        String room = Deployments.createRoom(base);
        try (SignalClient idle = SignalClient.connect(base, room);
             SignalClient member = SignalClient.join(base, room, "Member");
             SignalClient leaver = SignalClient.join(base, room, "Leaver")) {
            leaver.send("{\"type\":\"leave\"}");
            assertEquals(4004, idle.awaitClose());
            JsonObject told = idle.await("error");
            assertEquals("join-timeout", told.getString("error"));
            assertFalse(told.getString("message").isBlank());
            assertEquals(4004, leaver.awaitClose(), "a socket that left is one that has not joined");
            member.sync();
            assertFalse(member.isClosed(), "a socket in the room stays");
        }
    }

    @Test
    void socketsPerAddressAreCapped() throws Exception {
        String room = Deployments.createRoom(base);
        List<SignalClient> clients = new ArrayList<>();
        try {
            SignalClient refused = null;
            while (refused == null && clients.size() <= PER_ADDRESS + 2) {
                SignalClient c = SignalClient.connect(base, room);
                clients.add(c);
                try {
                    c.send("{\"type\":\"join\",\"name\":\"P" + clients.size() + "\"}");
                } catch (java.util.concurrent.CompletionException closedByServer) {
                    // the refusal is on its way
                }
                JsonObject answer = c.await(m -> List.of("joined", "error").contains(m.getString("type")), "joined or refusal");
                if (answer.getString("type").equals("error")) {
                    refused = c;
                }
            }
            assertTrue(refused != null, "no refusal among " + clients.size() + " sockets from one address");
            // Sockets of the other test may still be closing: the refusal comes at the latest after PER_ADDRESS.
            assertTrue(clients.size() <= PER_ADDRESS + 1, "refused only after " + clients.size());
            assertEquals("too-many-connections", refused.all("error").get(0).getString("error"));
            assertEquals(1013, refused.awaitClose());

            try (RawWebSocket other = RawWebSocket.open(base, room, "127.0.0.2", 1)) {
                assertTrue(other.upgraded(), other.statusLine);
                other.sendText("{\"type\":\"ping\"}");
                assertEquals("pong", json(other.nextText()).getString("type"), "other addresses are not affected");
            }

            clients.get(0).close();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (true) {
                SignalClient again = SignalClient.connect(base, room);
                clients.add(again);
                try {
                    again.send("{\"type\":\"ping\"}");
                } catch (java.util.concurrent.CompletionException closedByServer) {
                    // refused again
                }
                JsonObject answer = again.await(m -> List.of("pong", "error").contains(m.getString("type")), "pong or refusal");
                if (answer.getString("type").equals("pong")) {
                    break;
                }
                assertTrue(System.nanoTime() < deadline, "still refused after one closed: " + answer);
                Thread.sleep(200);
            }
        } finally {
            clients.forEach(SignalClient::close);
        }
    }

    private static JsonObject json(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }
}
