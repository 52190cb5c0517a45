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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Several media servers ({@code palaver.kms.url} a list): two real Kurento Media Servers and one
 * Palaver server. New rooms spread over both by load; when one media server dies, its rooms are
 * rebuilt on the other and video is decoded again, while the other rooms' media is never touched.
 * Two browsers share the room on the media server that dies; the other rooms have a signaling
 * client each, which is enough to see whether a room was rebuilt (its pipeline, what its people
 * are told). On Payara Micro only: what it checks is Palaver's media placement, the same code on
 * every server.
 */
class MediaServersIT {

    static final Duration UI = Duration.ofSeconds(60);

    static RealKms first;
    static RealKms second;
    static ServerProcess server;
    static URI base;

    final List<Browser> browsers = new ArrayList<>();
    final List<SignalClient> clients = new ArrayList<>();
    boolean failed = true;

    @BeforeAll
    static void start() throws Exception {
        Deployments.onlyOnPayara("media server placement is server-independent code; checked on Payara Micro");
        // The two media servers boot side by side.
        CompletableFuture<RealKms> a = CompletableFuture.supplyAsync(MediaServersIT::startKms);
        CompletableFuture<RealKms> b = CompletableFuture.supplyAsync(MediaServersIT::startKms);
        try {
            first = a.join();
            second = b.join();
        } catch (CompletionException e) {
            stop();
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
        Assumptions.assumeTrue(first.ownProcess() && second.ownProcess(), "needs two media servers this run started, to kill one");
        server = ServerProcess.forTests(Map.of(
                "palaver.kms.url", first.url() + "," + second.url(),
                "palaver.room.empty-ttl", "PT2M", // rooms are made before four browsers start
                "palaver.limits.room-creations-per-minute", "600"));
        server.start();
        base = server.base();
        ServerProcess.awaitReady(base, UI);
    }

    private static RealKms startKms() {
        try {
            return RealKms.startOrSkip();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new CompletionException(e);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        for (RealKms kms : new RealKms[] {first, second}) {
            if (kms != null) {
                kms.close();
            }
        }
    }

    @AfterEach
    void close() {
        clients.forEach(SignalClient::close);
        for (Browser b : browsers) {
            if (failed) {
                b.screenshot("failed-media-servers-" + b.label);
            }
            b.close();
        }
        if (failed) {
            System.out.println("media server logs: " + first.log() + " " + second.log());
        }
    }

    @Test
    void fourRoomsSpreadTwoAndTwoAndADeadServersRoomsAreRebuiltOnTheOther() throws Exception {
        List<String> rooms = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            rooms.add(kurentoRoom());
        }
        // The rooms without browsers first: their pipelines are made while the machine is calm
        // (a signaling client does not retry a pipeline the media server was too busy to make).
        Map<String, SignalClient> watchers = new java.util.LinkedHashMap<>();
        for (String room : rooms.subList(1, 4)) {
            watchers.put(room, client(room, "Watcher"));
        }
        long deadline = System.nanoTime() + UI.toNanos();
        while (first.rooms().size() + second.rooms().size() < 3 && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        Browser alice = browser("ms-alice");
        Browser bob = browser("ms-bob");
        alice.join(base + "room/" + rooms.get(0), "Alice", UI);
        bob.join(base + "room/" + rooms.get(0), "Bob", UI);
        for (Browser b : List.of(alice, bob)) {
            b.assertDecodingFrom(1, UI);
        }

        // Spread two and two, each pipeline tagged with its room.
        awaitRooms(first, 2);
        awaitRooms(second, 2);
        assertEquals(rooms.stream().sorted().toList(),
                Stream.concat(first.rooms().stream(), second.rooms().stream()).sorted().toList(), "every room once, on one of the two");
        RealKms victim = first.rooms().contains(rooms.get(0)) ? first : second;
        RealKms survivor = victim == first ? second : first;
        Map<String, String> untouched = survivor.roomPipelineIds();
        SignalClient moved = watchers.get(victim.rooms().stream().filter(r -> !r.equals(rooms.get(0))).findFirst().orElseThrow());

        for (Browser b : browsers) {
            b.script("window.__probe.watchTiles(); window.__probe.watchStatus()");
        }
        Map<Browser, Set<String>> ids = browsers.stream().collect(Collectors.toMap(b -> b, MediaServersIT::tileIds));
        Map<Browser, Long> peers = browsers.stream().collect(Collectors.toMap(b -> b, Browser::peerCount));

        victim.kill9();
        long killed = System.nanoTime();
        for (Browser b : browsers) {
            b.waiting(UI).until(d -> b.framesDecoded(peers.get(b)).stream().anyMatch(n -> n > 0));
        }
        System.out.printf("Several media servers: one killed to video decoded again at both pages of its room: %d ms%n",
                Duration.ofNanos(System.nanoTime() - killed).toMillis());
        moved.await("sfu-restart");

        // Every room is on the survivor now; the rooms that were there already kept their pipelines and were told nothing.
        assertEquals(rooms.stream().sorted().toList(), awaitRooms(survivor, 4), "the survivor holds all four rooms");
        Map<String, String> after = survivor.roomPipelineIds();
        untouched.forEach((room, pipeline) -> assertEquals(pipeline, after.get(room), "room " + room + " was on the survivor: the same pipeline"));
        untouched.keySet().forEach(room -> {
            SignalClient watcher = watchers.get(room);
            assertTrue(watcher.all("sfu-restart").isEmpty() && watcher.all("media-interrupted").isEmpty(),
                    "room " + room + " was on the survivor: its people were told nothing");
        });
        for (Browser b : browsers) {
            b.assertDecodingFrom(1, UI);
            assertEquals("connected", b.connectionStatus(), b.label);
            assertEquals(ids.get(b), tileIds(b), b.label + ": the same participants, by id");
            assertEquals(0L, b.script("return window.__probe.removedTiles"), b.label + " lost a tile");
        }

        HttpResponse<String> ready = HttpClient.newHttpClient().send(HttpRequest.newBuilder(base.resolve("health/ready")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, ready.statusCode(), "ready while one media server answers: " + ready.body());
        assertTrue(ready.body().contains("\"" + victim.url() + "\":\"down"), ready.body());
        assertTrue(ready.body().contains("\"" + survivor.url() + "\":\"up: 4 room(s)"), ready.body());
        failed = false;
    }

    private Browser browser(String label) throws Exception {
        Browser b = new Browser(label);
        browsers.add(b);
        return b;
    }

    private SignalClient client(String room, String name) throws Exception {
        SignalClient c = SignalClient.join(base, room, name);
        clients.add(c);
        return c;
    }

    private static String kurentoRoom() throws Exception {
        String room = Deployments.createRoom(base);
        String json = HttpClient.newHttpClient().send(HttpRequest.newBuilder(base.resolve("api/rooms/" + room)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(json.contains("\"media\":\"kurento\""), json);
        return room;
    }

    /** Waits until the media server holds {@code count} pipelines; returns their rooms. */
    private static List<String> awaitRooms(RealKms kms, int count) throws Exception {
        long deadline = System.nanoTime() + UI.toNanos();
        List<String> seen = kms.rooms();
        while ((seen.size() != count || seen.contains("(untagged)")) && System.nanoTime() < deadline) { // tags follow the pipeline
            Thread.sleep(200);
            seen = kms.rooms();
        }
        assertEquals(count, seen.size(), "pipelines on " + kms.url() + ": " + seen);
        return seen;
    }

    private static Set<String> tileIds(Browser b) {
        return b.tiles().stream().map(t -> t.getAttribute("data-participant-id")).collect(Collectors.toSet());
    }
}
