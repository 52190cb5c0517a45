package org.palaver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;

/**
 * Kurento rooms through a real Kurento Media Server ({@link RealKms}): headless Chromiums decode
 * video that went through the media server, and what the media server holds is counted through its
 * own API. One media server and one Palaver server process for the class (Palaver is started with
 * the media server URL, so it cannot be Arquillian's shared server); on Payara Micro or WildFly
 * by {@code palaver.it.server}, like the other server-process tests.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KurentoMediaIT {

    /** Generous: three browsers, a media server and an app server share two cores. */
    static final Duration UI = Duration.ofSeconds(40);
    static final Duration RELEASED_WITHIN = Duration.ofSeconds(15);

    static RealKms kms;
    static ServerProcess server;
    static URI base;

    final List<Browser> browsers = new ArrayList<>();
    boolean failed = true;

    @BeforeAll
    static void start() throws Exception {
        kms = RealKms.startOrSkip();
        server = ServerProcess.forTests(Map.of(
                "palaver.kms.url", kms.url().toString(),
                "palaver.reconnect.grace", "PT3S",
                "palaver.room.empty-ttl", "PT2M", // rooms are made before three browsers start
                "palaver.limits.room-creations-per-minute", "600"));
        server.start();
        base = server.base();
        ServerProcess.awaitReady(base, UI);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (kms != null) {
            kms.close();
        }
    }

    @AfterEach
    void closeBrowsers(TestInfo test) {
        for (Browser b : browsers) {
            if (failed) {
                b.screenshot("failed-kurento-" + test.getTestMethod().orElseThrow().getName() + "-" + b.label);
            }
            b.close();
        }
        if (failed) {
            System.out.println("media server log: " + kms.log());
        }
    }

    @Test
    @Order(1)
    void threePeopleDecodeEachOtherThroughTheMediaServerAndLeavingReleasesWhatTheyHeld() throws Exception {
        String url = roomUrl();
        Browser alice = browser("kms-alice");
        Browser bob = browser("kms-bob");
        Browser carol = browser("kms-carol");
        alice.join(url, "Alice", UI);
        bob.join(url, "Bob", UI);
        long clicked = carol.join(url, "Carol", UI);
        System.out.printf("Kurento: join click to first decoded remote frame (3rd participant): %d ms%n",
                carol.awaitFirstFrame(clicked, UI));
        System.out.println("Carol's peer connections since her join click:" + carol.timeline());
        for (Browser b : List.of(alice, bob, carol)) {
            b.assertDecodingFrom(2, UI);
        }
        // One pipeline; per person a publisher, the mix and a slot for each of the two others (4 x 3),
        // and the mix's composite with a port per person.
        assertPipelines(List.of(room(12)));
        for (Browser b : List.of(alice, bob, carol)) {
            b.assertHearingTheRoom(UI);
        }

        String aliceId = bob.tileIdNamed("Alice");
        String bobId = alice.tileIdNamed("Bob");
        alice.visible("toggle-mic").click();
        bob.awaitTileAttribute(aliceId, "data-audio-muted", "true", UI);
        carol.awaitTileAttribute(aliceId, "data-audio-muted", "true", UI);
        bob.visible("toggle-camera").click();
        alice.awaitTileAttribute(bobId, "data-video-muted", "true", UI);
        carol.awaitTileAttribute(bobId, "data-video-muted", "true", UI);
        assertEquals("false", carol.tile(aliceId).getAttribute("data-video-muted"));

        // Carol leaves: her publisher, mix, two slots and port go; the slots that showed her stay,
        // empty, with their viewers (a slot is kept for the next camera, not renegotiated).
        carol.visible("leave").click();
        assertPipelines(List.of(room(8)));
        bob.visible("leave").click();
        assertPipelines(List.of(room(4)));
        alice.visible("leave").click();
        assertPipelines(List.of());
        failed = false;
    }

    @Test
    @Order(2)
    void aSharedScreenDecodesAtTheOthersAndAtALateJoiner() throws Exception {
        failed = false; // a skip is no failure: no media server log for it
        Deployments.onlyOnPayara("a screen is one more published stream: the media code and pages are the same on every "
                + "app server, and the three-person call and the restart check Kurento rooms on both");
        failed = true;
        String url = roomUrl();
        Browser alice = browser("kms-screen-alice");
        Browser bob = browser("kms-screen-bob");
        alice.join(url, "Alice", UI);
        bob.join(url, "Bob", UI);
        String bobId = alice.tileIdNamed("Bob");
        alice.assertDecodingFrom(1, UI);

        bob.visible("share-screen").click();
        alice.assertScreenDecodes(bobId, UI);
        Browser carol = browser("kms-screen-carol");
        carol.join(url, "Carol", UI);
        carol.assertScreenDecodes(bobId, UI);
        carol.assertDecodingFrom(2, UI);
        // Per person a camera, the mix and two slots (12); the screen and its two viewers' receivers (3).
        assertPipelines(List.of(room(15)));

        bob.script("window.__probe.endScreenCapture()");
        for (Browser b : List.of(alice, carol)) {
            b.waiting(UI).until(d -> d.findElements(By.cssSelector("[data-testid=screen-tile]")).isEmpty());
        }
        // The screen's publisher and its two receivers are released; the cameras keep going.
        assertPipelines(List.of(room(12)));
        alice.assertDecodingFrom(2, UI);
        for (Browser b : List.of(alice, bob, carol)) {
            b.visible("leave").click();
        }
        assertPipelines(List.of());
        failed = false;
    }

    @Test
    @Order(3)
    void aKilledMediaServerRestartedOnTheSamePortBringsTheSameCallBack() throws Exception {
        Assumptions.assumeTrue(kms.ownProcess(), "needs a media server this test run started, to kill it");
        String url = roomUrl();
        Browser alice = browser("kms-crash-alice");
        Browser bob = browser("kms-crash-bob");
        alice.join(url, "Alice", UI);
        bob.join(url, "Bob", UI);
        for (Browser b : List.of(alice, bob)) {
            b.assertDecodingFrom(1, UI);
            b.script("window.__probe.watchTiles(); window.__probe.watchStatus()");
        }
        Map<Browser, Set<String>> ids = Map.of(alice, tileIds(alice), bob, tileIds(bob));
        long aliceBefore = alice.peerCount();
        long bobBefore = bob.peerCount();

        kms.kill9();
        for (Browser b : List.of(alice, bob)) {
            b.waiting(UI).until(d -> "reconnecting".equals(b.connectionStatus()));
        }
        kms.restart();
        long accepting = System.nanoTime();
        // Video flows again at both, on connections made after the crash.
        alice.waiting(UI).until(d -> alice.framesDecoded(aliceBefore).stream().anyMatch(n -> n > 0));
        bob.waiting(UI).until(d -> bob.framesDecoded(bobBefore).stream().anyMatch(n -> n > 0));
        System.out.printf("Kurento: media server accepting again to decoded frames at both pages: %d ms%n",
                Duration.ofNanos(System.nanoTime() - accepting).toMillis());
        for (Browser b : List.of(alice, bob)) {
            b.waiting(UI).until(d -> "connected".equals(b.connectionStatus()));
            b.assertDecodingFrom(1, UI);
            assertEquals(ids.get(b), tileIds(b), b.label + ": the same participants, by id");
            assertEquals(0L, b.script("return window.__probe.removedTiles"), b.label + " lost a tile");
        }
        assertPipelines(List.of(room(6)));
        failed = false;
    }

    // ---- steps -------------------------------------------------------------------------------

    private Browser browser(String label) throws Exception {
        Browser b = new Browser(label);
        browsers.add(b);
        return b;
    }

    private static String roomUrl() throws Exception {
        String room = Deployments.createRoom(base);
        String json = HttpClient.newHttpClient().send(HttpRequest.newBuilder(base.resolve("api/rooms/" + room)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(json.contains("\"media\":\"kurento\""), json);
        return base + "room/" + room;
    }

    private static Set<String> tileIds(Browser b) {
        return b.tiles().stream().map(t -> t.getAttribute("data-participant-id")).collect(Collectors.toSet());
    }

    /** A room's pipeline: its WebRTC endpoints, and the sound's mix (its ports are the mix's children, not the pipeline's). */
    private static Map<String, Integer> room(int webRtcEndpoints) {
        return Map.of("WebRtcEndpoint", webRtcEndpoints, "Composite", 1);
    }

    private static void assertPipelines(List<Map<String, Integer>> expected) throws Exception {
        assertEquals(expected, kms.awaitPipelines(expected, RELEASED_WITHIN), "what the media server holds");
    }

}
