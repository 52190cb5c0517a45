package org.palaver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.palaver.media.kms.KmsStandIn;

/**
 * The call page in a Kurento room, against the stand-in media server. The stand-in answers with
 * SDP that Chromium accepts but carries no media, so this test proves the page's side of the
 * protocol (one send-only connection to publish, one receive-only connection per other
 * participant, all negotiated; a shared screen as a stream of its own; a media server restart
 * shown as reconnecting and then connected,
 * every connection negotiated anew, no tile lost), not decoded video: that needs a real Kurento.
 */
class KurentoBrowserIT {

    static final Duration UI = Duration.ofSeconds(20);

    KmsStandIn kms;
    ServerProcess server;
    Browser alice;
    Browser bob;

    @AfterEach
    void stop() throws Exception {
        for (Browser b : new Browser[] {alice, bob}) {
            if (b != null) {
                b.screenshot("kurento-" + b.label);
                b.close();
            }
        }
        if (server != null) {
            server.close();
        }
        if (kms != null) {
            kms.close();
        }
    }

    @Test
    void pagesPublishSubscribeAndComeBackAfterAMediaServerRestart() throws Exception {
        kms = KmsStandIn.start();
        server = ServerProcess.forTests(Map.of("palaver.kms.url", kms.url().toString(),
                "palaver.kms.connect-timeout", "PT1S", "palaver.kms.retry-interval", "PT1S"));
        server.start();
        URI base = server.base();
        ServerProcess.awaitReady(base, UI); // until then, new rooms are mesh rooms
        String room = Deployments.createRoom(base);
        String roomJson = HttpClient.newHttpClient().send(HttpRequest.newBuilder(base.resolve("api/rooms/" + room)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(roomJson.contains("\"media\":\"kurento\""), roomJson);

        alice = new Browser("alice");
        bob = new Browser("bob");
        alice.joinCall(base + "room/" + room, "Alice", UI);
        bob.joinCall(base + "room/" + room, "Bob", UI);
        for (Browser b : List.of(alice, bob)) {
            b.waiting(UI).until(d -> b.tiles().size() == 1 && negotiated(b));
        }
        assertEquals("Bob", alice.tiles().get(0).findElement(org.openqa.selenium.By.cssSelector("[data-testid=participant-name]")).getText());
        kms.awaitIdle(Duration.ofSeconds(5));
        assertEquals(1, kms.liveCount("MediaPipeline"));
        assertEquals(6, kms.liveCount("WebRtcEndpoint"), "two publishers, two mixes, two slots: " + kms.liveObjects());
        assertEquals(2, kms.liveCount("HubPort"));
        assertEquals(2, kms.sources("VIDEO").size(), "each slot shows the other's camera");
        assertEquals(4, kms.sources("AUDIO").size(), "two voices into the mix, two mixes out");

        alice.visible("toggle-mic").click();
        bob.waiting(UI).until(d -> "true".equals(bob.tiles().get(0).getAttribute("data-audio-muted")));

        // A shared screen is one more published stream, with one receiver at Bob's.
        alice.visible("share-screen").click();
        bob.waiting(UI).until(d -> d.findElements(org.openqa.selenium.By.cssSelector("[data-testid=screen-tile]")).size() == 1);
        kms.awaitIdle(Duration.ofSeconds(5));
        assertEquals(12, kms.liveObjects().size(), "the screen's publisher and receiver added: " + kms.liveObjects());
        alice.script("window.__probe.endScreenCapture()");
        bob.waiting(UI).until(d -> d.findElements(org.openqa.selenium.By.cssSelector("[data-testid=screen-tile]")).isEmpty());
        kms.awaitIdle(Duration.ofSeconds(5));
        assertEquals(10, kms.liveObjects().size(), "released when sharing stopped: " + kms.liveObjects());

        Set<String> before = new HashSet<>(kms.liveObjects().keySet());
        for (Browser b : List.of(alice, bob)) {
            b.script("window.__probe.watchTiles(); window.__probe.watchStatus()");
        }
        kms.restart();
        for (Browser b : List.of(alice, bob)) {
            b.waiting(UI).until(d -> statuses(b).contains("reconnecting") && "connected".equals(b.connectionStatus()) && negotiated(b));
            assertEquals(0L, b.script("return window.__probe.removedTiles"), b.label + " lost a tile");
            assertEquals(1, b.tiles().size());
        }
        kms.awaitIdle(Duration.ofSeconds(5));
        assertEquals(10, kms.liveObjects().size(), "a new pipeline, two publishers, mixes and slots, a composite and two ports: "
                + kms.liveObjects());
        assertTrue(kms.liveObjects().keySet().stream().noneMatch(before::contains), "all made anew");
    }

    /** The publishing connection, the mix's and one slot's, all with the media server's answer applied. */
    private static boolean negotiated(Browser b) {
        List<String> open = b.openConnections();
        return open.size() == 3 && open.stream().allMatch("stable"::equals);
    }

    @SuppressWarnings("unchecked")
    private static List<String> statuses(Browser b) {
        return (List<String>) b.script("return window.__probe.statuses");
    }
}
