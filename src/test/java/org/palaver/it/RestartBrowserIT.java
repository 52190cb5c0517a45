package org.palaver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A meeting survives a restart of the server. Arquillian cannot restart a deployment mid-test,
 * so this test runs the built WAR on a server process of its own (Payara Micro or WildFly, see
 * {@link ServerProcess}), twice on the same port, with the same
 * {@code palaver.secret}: the pages resume with their signed tokens, the server rebuilds the room,
 * and the peer-to-peer media never stops.
 */
class RestartBrowserIT {

    /** Generous: waits for the machine (boot, first frames), not measurements of the product. */
    static final Duration UI = Duration.ofSeconds(60);

    ServerProcess server;
    Browser alice;
    Browser bob;

    @AfterEach
    void stop() throws Exception {
        for (Browser b : new Browser[] {alice, bob}) {
            if (b != null) {
                b.screenshot("restart-" + b.label);
                b.close();
            }
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void callContinuesThroughAServerRestart() throws Exception {
        server = ServerProcess.forTests(Map.of("palaver.secret", "restart-test-secret-0123456789abcdef"));
        server.start();
        URI base = server.base();
        String room = Deployments.createRoom(base);

        alice = new Browser("alice");
        bob = new Browser("bob");
        alice.joinCall(base + "room/" + room, "Alice", UI);
        bob.joinCall(base + "room/" + room, "Bob", UI);
        for (Browser b : List.of(alice, bob)) {
            b.waiting(UI).until(d -> b.tiles().size() == 1 && decodingGrows(b));
            b.script("window.__probe.watchTiles(); window.__probe.watchStatus()");
        }

        server.kill();
        for (Browser b : List.of(alice, bob)) {
            b.waiting(UI).until(d -> "reconnecting".equals(b.connectionStatus()));
            assertTrue(decodingGrows(b), b.label + ": media stopped with the server");
        }

        long restarted = System.nanoTime();
        server.start();
        for (Browser b : List.of(alice, bob)) {
            b.waiting(UI).until(d -> "connected".equals(b.connectionStatus()));
        }
        System.out.printf("server restarted: pages connected again %d ms after the restart began%n",
                Duration.ofNanos(System.nanoTime() - restarted).toMillis());
        for (Browser b : List.of(alice, bob)) {
            assertEquals(1, b.tiles().size(), b.label);
            assertEquals(0L, b.script("return window.__probe.removedTiles"), b.label + " lost a tile");
            assertTrue(decodingGrows(b), b.label + " stopped decoding");
        }
        // The rebuilt room knows both, under their old ids.
        String rooms = HttpClient.newHttpClient().send(HttpRequest.newBuilder(base.resolve("api/rooms/" + room)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        String aliceId = bob.tiles().get(0).getAttribute("data-participant-id");
        String bobId = alice.tiles().get(0).getAttribute("data-participant-id");
        assertTrue(rooms.contains("\"id\":\"" + aliceId + "\",\"name\":\"Alice\""), rooms);
        assertTrue(rooms.contains("\"id\":\"" + bobId + "\",\"name\":\"Bob\""), rooms);
    }



    private static boolean decodingGrows(Browser b) {
        try {
            List<Long> before = b.framesDecoded();
            Thread.sleep(700);
            List<Long> after = b.framesDecoded();
            return before.size() == 1 && after.size() == 1 && after.get(0) > before.get(0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

}
