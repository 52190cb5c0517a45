package org.palaver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.palaver.media.kms.KmsStandIn;

/**
 * Kurento SFU mode, against the stand-in media server ({@link KmsStandIn}) with the real
 * kurento-client inside the built WAR. One server process for the class, started while the
 * stand-in accepts TCP but never completes a WebSocket handshake; the tests then take the media
 * server through its life in order: half-open, up, in use, restarted, down, back.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KurentoIT {

    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final Duration UP_WITHIN = Duration.ofSeconds(20);

    static KmsStandIn kms;
    static ServerProcess server;
    static URI base;
    static Duration boot;

    @BeforeAll
    static void start() throws Exception {
        kms = KmsStandIn.start();
        kms.halfOpen(true);
        server = ServerProcess.forTests(Map.of(
                "palaver.kms.url", kms.url().toString(),
                "palaver.kms.connect-timeout", "PT1S",
                "palaver.kms.retry-interval", "PT1S",
                "palaver.reconnect.grace", "PT3S",
                "palaver.room.empty-ttl", "PT6S",
                "palaver.room.last-n", "1", // three people are enough to see slots switch
                "palaver.limits.room-creations-per-minute", "600"));
        boot = server.start();
        base = server.base();
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

    // ---- the media server half-open, then up -----------------------------------------------

    @Test
    @Order(1)
    void aHalfOpenMediaServerStallsNeitherStartupNorJoins() throws Exception {
        System.out.printf("server up in %d ms with a half-open media server%n", boot.toMillis());
        HttpResponse<String> ready = get("health/ready");
        assertEquals(503, ready.statusCode(), ready.body());
        JsonObject check = mediaCheck(json(ready.body()));
        assertEquals("DOWN", check.getString("status"));
        assertFalse(check.getJsonObject("data").getString("reason").isBlank(), check.toString());

        JsonObject room = createRoom();
        assertEquals("mesh", room.getString("media"));
        assertFalse(room.getString("mediaFallback").isBlank());

        long began = System.nanoTime();
        try (SignalClient alice = SignalClient.join(base, room.getString("id"), "Alice");
             SignalClient bob = SignalClient.join(base, room.getString("id"), "Bob")) {
            assertEquals("mesh", bob.joined().getString("media"));
            alice.send(message("offer", "to", bob.id(), "sdp", "mesh offer"));
            assertEquals("mesh offer", bob.await("offer").getString("sdp"));
        }
        System.out.printf("two joins and a relay took %d ms%n", Duration.ofNanos(System.nanoTime() - began).toMillis());
    }

    @Test
    @Order(2)
    void roomsUseKurentoOnceTheMediaServerAnswers() throws Exception {
        kms.halfOpen(false);
        awaitReady(true);
        JsonObject room = createRoom();
        assertEquals("kurento", room.getString("media"));
        assertFalse(room.containsKey("mediaFallback"), room.toString());
        assertEquals(0, kms.liveCount("MediaPipeline"), "no pipeline before anyone joins");
    }

    // ---- a call ---------------------------------------------------------------------------

    @Test
    @Order(3)
    void threePeopleGetTheMixAndTheirSlotsAndASpeakerMovesIntoEveryonesSlot() throws Exception {
        String room = createRoom().getString("id");
        List<SignalClient> people = new ArrayList<>();
        try {
            for (String name : List.of("Alice", "Bob", "Carol")) {
                SignalClient c = SignalClient.join(base, room, name);
                assertEquals("kurento", c.joined().getString("media"));
                people.add(c);
            }
            SignalClient alice = people.get(0);
            SignalClient bob = people.get(1);
            SignalClient carol = people.get(2);
            for (SignalClient c : people) {
                // what a page does: candidates may come before the offer they belong to
                c.send(message("sfu-candidate", "stream", c.id(), "candidate", candidate(c.id() + "-publish")));
                c.send(message("publish", "sdp", offer("sendonly", c.id() + "-publish")));
                // one after the other, so the order of cameras (who is shown first) is known
                c.await(m -> m.getString("type").equals("sfu-answer") && m.getString("stream").equals(c.id()), "own answer");
                for (String stream : List.of("~mix", "~slot0")) {
                    c.send(message("subscribe", "stream", stream, "sdp", offer("recvonly", c.id() + stream)));
                    c.send(message("sfu-candidate", "stream", stream, "candidate", candidate(c.id() + stream)));
                }
            }
            for (SignalClient c : people) {
                for (String stream : List.of("~mix", "~slot0")) {
                    JsonObject answer = c.await(m -> m.getString("type").equals("sfu-answer")
                            && m.getString("stream").equals(stream), "sfu-answer for " + stream);
                    assertTrue(answer.getString("sdp").startsWith("v=0"));
                    c.await(m -> m.getString("type").equals("sfu-candidate")
                            && m.getString("stream").equals(stream), "media server candidate for " + stream);
                }
            }
            // last-n 1: everyone's one slot shows the first camera published that is not their own
            assertEquals(alice.id(), awaitSlot(bob, alice.id()));
            assertEquals(alice.id(), awaitSlot(carol, alice.id()));
            assertEquals(bob.id(), awaitSlot(alice, bob.id()));
            kms.awaitIdle(Duration.ofSeconds(5));

            assertEquals(1, kms.liveCount("MediaPipeline"));
            assertEquals(9, kms.liveCount("WebRtcEndpoint"), "a publisher, the mix and one slot each: n(N + 2), not n²");
            assertEquals(1, kms.liveCount("Composite"));
            assertEquals(3, kms.liveCount("HubPort"));
            Map<String, String> endpoints = endpointsByOfferTag();
            Map<String, String> video = kms.sources("VIDEO");
            Map<String, String> audio = kms.sources("AUDIO");
            for (SignalClient c : people) {
                String published = endpoints.get(c.id() + "-publish");
                assertTrue(kms.candidatesAddedTo(published).contains(candidate(c.id() + "-publish").getString("candidate")),
                        "a candidate sent before the offer reached the publishing endpoint");
                String mix = endpoints.get(c.id() + "~mix");
                String port = audio.get(mix);
                assertEquals("HubPort", kms.liveObjects().get(port), "the mix comes from a hub port");
                // Kurento's hub port leaves its own input out of its output: no echo.
                assertEquals(published, audio.get(port), "their voice goes in on the port whose mix they hear");
                assertTrue(kms.candidatesAddedTo(mix).contains(candidate(c.id() + "~mix").getString("candidate")));
                assertFalse(video.containsKey(mix), "the mix carries no video");
            }
            assertEquals(endpoints.get(alice.id() + "-publish"), video.get(endpoints.get(bob.id() + "~slot0")));
            assertEquals(endpoints.get(alice.id() + "-publish"), video.get(endpoints.get(carol.id() + "~slot0")));
            assertEquals(endpoints.get(bob.id() + "-publish"), video.get(endpoints.get(alice.id() + "~slot0")));
            printCalls("three people joined, published and subscribed");

            // Carol speaks: her camera takes the others' slot on the media server, with no new negotiation.
            int answers = count(alice, "sfu-answer") + count(bob, "sfu-answer");
            int callsBefore = kms.calls().size();
            long spoke = System.nanoTime();
            carol.send("{\"type\":\"speaking\",\"speaking\":true}");
            assertEquals(carol.id(), awaitSlot(alice, carol.id()));
            System.out.printf("speaking sent to the new slots at another participant (signaling only): %.1f ms%n",
                    (System.nanoTime() - spoke) / 1e6);
            for (SignalClient c : people) {
                c.await(m -> m.getString("type").equals("speaker") && carol.id().equals(m.getString("id", null)), "Carol speaks");
            }
            assertEquals(carol.id(), awaitSlot(bob, carol.id()));
            // The pages are told first, the media server is asked after: wait for its connects.
            awaitVideoSource(endpoints.get(alice.id() + "~slot0"), endpoints.get(carol.id() + "-publish"), "Carol's camera in Alice's slot");
            awaitVideoSource(endpoints.get(bob.id() + "~slot0"), endpoints.get(carol.id() + "-publish"), "Carol's camera in Bob's slot");
            Set<String> switched = Set.of(endpoints.get(alice.id() + "~slot0"), endpoints.get(bob.id() + "~slot0"));
            awaitTrue(() -> keyframesAsked(callsBefore).containsAll(switched), "a keyframe asked by each re-pointed slot");
            kms.awaitIdle(Duration.ofSeconds(5));
            video = kms.sources("VIDEO");
            assertEquals(endpoints.get(alice.id() + "-publish"), video.get(endpoints.get(carol.id() + "~slot0")), "Carol's own slot stays");
            assertTrue(kms.typedCalls().stream().noneMatch(c -> c.operation().equals("disconnect")),
                    "a switch is one connect, which replaces the slot's source (a disconnect of a replaced source would cut it)");
            assertEquals(answers, count(alice, "sfu-answer") + count(bob, "sfu-answer"), "a switch needs no negotiation");
            assertEquals(9, kms.liveCount("WebRtcEndpoint"));
            // The new camera's keyframe is asked for by each slot it now feeds: the media server
            // takes the request only from an endpoint that sends, and passes it up to the camera.
            Set<String> askedKeyframes = keyframesAsked(callsBefore);
            for (SignalClient c : people) {
                assertFalse(askedKeyframes.contains(endpoints.get(c.id() + "-publish")),
                        "a publisher is never asked for a keyframe: the media server refuses that");
            }

            // Alice pins Bob: her slot shows him although Carol speaks, and nobody else's slot moves.
            alice.send(message("pin", "participant", bob.id()));
            assertEquals(bob.id(), awaitSlot(alice, bob.id()));
            awaitVideoSource(endpoints.get(alice.id() + "~slot0"), endpoints.get(bob.id() + "-publish"), "Bob's camera in Alice's slot");
            kms.awaitIdle(Duration.ofSeconds(5));
            assertEquals(endpoints.get(carol.id() + "-publish"), kms.sources("VIDEO").get(endpoints.get(bob.id() + "~slot0")));
            alice.send(message("pin", "participant", "nobody"));
            assertEquals("unknown-participant", alice.await("error").getString("error"));
            alice.send("{\"type\":\"pin\"}");
            assertEquals(carol.id(), awaitSlot(alice, carol.id()), "unpinned: the speaker again");

            // A muted microphone's voice leaves the mix (the mixer's cost is per voice), and comes back.
            String bobPublish = endpoints.get(bob.id() + "-publish");
            bob.send("{\"type\":\"media-state\",\"audioMuted\":true,\"videoMuted\":false}");
            awaitTrue(() -> !kms.sources("AUDIO").containsValue(bobPublish), "Bob's voice out of the mix while he is muted");
            bob.send("{\"type\":\"media-state\",\"audioMuted\":false,\"videoMuted\":false}");
            awaitTrue(() -> kms.sources("AUDIO").containsValue(bobPublish), "Bob's voice back in the mix");

            // A camera switched off gives its slots to the next camera, and takes them back when on.
            carol.send("{\"type\":\"media-state\",\"audioMuted\":false,\"videoMuted\":true}");
            assertEquals(bob.id(), awaitSlot(alice, bob.id()));
            assertEquals(alice.id(), awaitSlot(bob, alice.id()));
            carol.send("{\"type\":\"media-state\",\"audioMuted\":false,\"videoMuted\":false}");
            assertEquals(carol.id(), awaitSlot(alice, carol.id()));
            assertEquals(carol.id(), awaitSlot(bob, carol.id()));

            int before = kms.calls().size();
            carol.send("{\"type\":\"leave\"}");
            awaitTrue(() -> kms.liveCount("WebRtcEndpoint") == 6, "Carol's publisher, mix and slot gone with her");
            for (SignalClient c : List.of(alice, bob)) {
                c.await(m -> m.getString("type").equals("speaker") && !m.containsKey("id"), "nobody speaks once Carol left");
            }
            assertEquals(bob.id(), awaitSlot(alice, bob.id()), "her slot goes to the next camera");
            kms.awaitIdle(Duration.ofSeconds(5));
            System.out.println("calls for one leave: " + kms.calls().subList(before, kms.calls().size()).stream()
                    .map(KurentoIT::describe).toList());
            assertEquals(1, kms.liveCount("MediaPipeline"));
            assertEquals(2, kms.liveCount("HubPort"));

            // Back on a new socket, Alice is told her slots and the speaker again (what was sent
            // while her socket was down may be lost).
            SignalClient back = SignalClient.connect(base, room);
            people.add(back);
            back.send("{\"type\":\"resume\",\"token\":\"" + alice.joined().getString("resumeToken") + "\"}");
            back.await("joined");
            assertEquals(bob.id(), awaitSlot(back, bob.id()), "slots again after the resume");
            back.await(m -> m.getString("type").equals("speaker") && !m.containsKey("id"), "the speaker again after the resume");
            back.send("{\"type\":\"leave\"}");
            bob.send("{\"type\":\"leave\"}");
            awaitTrue(() -> kms.liveObjects().isEmpty(), "everyone left: nothing alive in the media server");
        } finally {
            people.forEach(SignalClient::close);
        }
    }

    /** Waits for a {@code slots} message whose first slot shows {@code expected}; returns it. */
    private static String awaitSlot(SignalClient viewer, String expected) throws Exception {
        JsonObject slots = viewer.await(m -> m.getString("type").equals("slots")
                && !m.getJsonArray("slots").isEmpty() && expected.equals(m.getJsonArray("slots").getString(0, null)),
                "slot 0 showing " + expected);
        return slots.getJsonArray("slots").getString(0);
    }

    @Test
    @Order(4)
    void twentyJoiningANewRoomAtOnceCreateOnePipeline() throws Exception {
        String room = createRoom().getString("id");
        long pipelinesBefore = pipelineCreations();
        ExecutorService pool = Executors.newFixedThreadPool(20);
        List<SignalClient> people = new ArrayList<>();
        try {
            List<Callable<SignalClient>> joins = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                String name = "P" + i;
                joins.add(() -> SignalClient.join(base, room, name));
            }
            for (Future<SignalClient> f : pool.invokeAll(joins)) {
                people.add(f.get());
            }
            kms.awaitIdle(Duration.ofSeconds(5));
            assertEquals(1, pipelineCreations() - pipelinesBefore, "pipelines created for one room: "
                    + kms.calls().stream().map(KurentoIT::describe).toList());
            assertEquals(1, kms.liveCount("MediaPipeline"));
        } finally {
            pool.shutdownNow();
            people.forEach(SignalClient::close); // dropped sockets: gone after the 3 s grace
        }
        awaitTrue(() -> kms.liveObjects().isEmpty(), "the pipeline released after everyone timed out");
    }

    @Test
    @Order(5)
    void publishInAMeshRoomAndRelaysInAKurentoRoomAreRefused() throws Exception {
        String room = createRoom().getString("id");
        try (SignalClient alice = SignalClient.join(base, room, "Alice");
             SignalClient bob = SignalClient.join(base, room, "Bob")) {
            alice.send(message("offer", "to", bob.id(), "sdp", "x"));
            assertEquals("wrong-media-mode", alice.await("error").getString("error"));
            alice.send(message("subscribe", "stream", bob.id(), "sdp", offer("recvonly", "a camera by name")));
            assertEquals("unknown-stream", alice.await(m -> m.getString("type").equals("error")
                    && !m.getString("error").equals("wrong-media-mode"), "second error").getString("error"));
            alice.send(message("subscribe", "stream", "~slot1", "sdp", offer("recvonly", "beyond last-n")));
            alice.send(message("subscribe", "stream", alice.id() + "~screen", "sdp", offer("recvonly", "own screen")));
            assertEquals("unknown-stream", alice.await("error").getString("error"), "a slot beyond last-n");
            assertEquals("unknown-participant", alice.await("error").getString("error"), "one's own screen");
            assertTrue(bob.all("offer").isEmpty());
            alice.send("{\"type\":\"leave\"}");
            bob.send("{\"type\":\"leave\"}");
        }
        awaitTrue(() -> kms.liveObjects().isEmpty(), "released after both left");
    }

    @Test
    @Order(6)
    void aSharedScreenIsAStreamOfItsOwnAndGoesWhenSharingStops() throws Exception {
        String room = createRoom().getString("id");
        try (SignalClient alice = SignalClient.join(base, room, "Alice");
             SignalClient bob = SignalClient.join(base, room, "Bob")) {
            call(alice, bob);
            String screen = alice.id() + "~screen";
            alice.send(message("publish", "sdp", offer("sendonly", "alice-screen-too-early"), "screen", true));
            assertEquals("screen-not-shared", alice.await("error").getString("error"));

            alice.send("{\"type\":\"screen\",\"sharing\":true,\"streamId\":\"s1\"}");
            bob.await("screen");
            alice.send(message("publish", "sdp", offer("sendonly", "alice-screen"), "screen", true));
            alice.await(m -> m.getString("type").equals("sfu-answer") && m.getString("stream").equals(screen), "screen answer");
            bob.send(message("subscribe", "stream", screen, "sdp", offer("recvonly", "bob-sees-alice-screen")));
            bob.await(m -> m.getString("type").equals("sfu-answer") && m.getString("stream").equals(screen), "screen subscription answer");
            kms.awaitIdle(Duration.ofSeconds(5));
            Map<String, String> endpoints = endpointsByOfferTag();
            assertEquals(12, kms.liveObjects().size(), "pipeline, 2 cameras, 2 mixes, 2 slots, the mix's composite and 2 ports, "
                    + "the screen and its receiver");
            assertTrue(kms.connects().contains(new KmsStandIn.Connection(endpoints.get("alice-screen"), endpoints.get("bob-sees-alice-screen"))));

            alice.send("{\"type\":\"screen\",\"sharing\":false}");
            awaitTrue(() -> kms.liveObjects().size() == 10, "the screen's two endpoints released");
            assertFalse(kms.liveObjects().containsKey(endpoints.get("alice-screen")));
            alice.send("{\"type\":\"leave\"}");
            bob.send("{\"type\":\"leave\"}");
        }
        awaitTrue(() -> kms.liveObjects().isEmpty(), "released after both left");
    }

    // ---- faults -----------------------------------------------------------------------------

    @Test
    @Order(7)
    void aRestartedMediaServerGetsEveryRoomRebuilt() throws Exception {
        String room = createRoom().getString("id");
        try (SignalClient alice = SignalClient.join(base, room, "Alice");
             SignalClient bob = SignalClient.join(base, room, "Bob")) {
            call(alice, bob);
            Set<String> before = new HashSet<>(kms.liveObjects().keySet());
            assertEquals(10, before.size(), "pipeline, two publishers, two mixes, two slots, composite, two ports: " + kms.liveObjects());

            kms.restart();
            for (SignalClient c : List.of(alice, bob)) {
                c.await("sfu-restart");
            }
            awaitTrue(() -> kms.liveCount("MediaPipeline") == 1, "a new pipeline");
            call(alice, bob); // what the pages do on sfu-restart
            kms.awaitIdle(Duration.ofSeconds(5));
            assertEquals(10, kms.liveObjects().size());
            assertTrue(kms.liveObjects().keySet().stream().noneMatch(before::contains), "all new objects");
            assertEquals(1, count(alice, "sfu-restart"));
        }
        awaitTrue(() -> kms.liveObjects().isEmpty(), "released after both left");
    }

    @Test
    @Order(8)
    void aMediaServerThatGoesAwayIsReportedAndRoomsFallBackUntilItReturns() throws Exception {
        String room = createRoom().getString("id");
        try (SignalClient alice = SignalClient.join(base, room, "Alice");
             SignalClient bob = SignalClient.join(base, room, "Bob")) {
            call(alice, bob);
            kms.stop();
            alice.await("media-interrupted");
            bob.await("media-interrupted");
            awaitReady(false);
            JsonObject meanwhile = createRoom();
            assertEquals("mesh", meanwhile.getString("media"));
            assertTrue(meanwhile.containsKey("mediaFallback"));

            kms.resume();
            awaitReady(true);
            alice.await("sfu-restart");
            bob.await("sfu-restart");
            call(alice, bob);
            kms.awaitIdle(Duration.ofSeconds(5));
            assertEquals(10, kms.liveObjects().size(), "pipeline, two publishers, two mixes, two slots, composite, two ports: " + kms.liveObjects()
                    + "\n" + kms.calls().stream().map(KurentoIT::describe).toList());
            assertEquals("kurento", createRoom().getString("media"));
        }
        awaitTrue(() -> kms.liveObjects().isEmpty(), "released after both left");
    }

    @Test
    @Order(9)
    void aMediaServerAtCapacityLetsNobodyNewInAndKeepsThoseAlreadyIn() throws Exception {
        String room = createRoom().getString("id");
        try (SignalClient alice = SignalClient.join(base, room, "Alice")) {
            kms.cpu(95);
            awaitHealth("CPU 95%"); // the load is read every few seconds: the next reading shows it
            try (SignalClient bob = SignalClient.connect(base, room)) {
                bob.send(message("join", "name", "Bob"));
                JsonObject refused = bob.await(m -> List.of("joined", "error").contains(m.getString("type")), "joined or error");
                assertEquals("media-server-busy", refused.getString("error", "joined: " + refused), refused.toString());
                assertTrue(refused.getString("message").contains("capacity"), refused.getString("message"));
            }
            alice.sync(); // still in, and the room still has only her
            assertEquals(1, json(get("api/rooms/" + room).body()).getJsonArray("participants").size());

            kms.cpu(5);
            awaitHealth("CPU 5%");
            try (SignalClient bob = SignalClient.join(base, room, "Bob")) {
                call(alice, bob);
                alice.send("{\"type\":\"leave\"}");
                bob.send("{\"type\":\"leave\"}");
            }
        } finally {
            kms.cpu(5);
        }
        awaitTrue(() -> kms.liveObjects().isEmpty(), "released after both left");
    }

    @Test
    @Order(10)
    void aBurstOfOffersReachesTheMediaServerAFewAtATime() throws Exception {
        String room = createRoom().getString("id");
        List<SignalClient> people = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                people.add(SignalClient.join(base, room, "B" + i));
            }
            kms.awaitIdle(Duration.ofSeconds(5));
            long before = processOffers();
            kms.holdOffers(true); // a media server slow to answer
            for (SignalClient c : people) {
                c.send(message("publish", "sdp", offer("sendonly", c.id() + "-publish")));
                c.send(message("subscribe", "stream", "~mix", "sdp", offer("recvonly", c.id() + "~mix")));
                c.send(message("subscribe", "stream", "~slot0", "sdp", offer("recvonly", c.id() + "~slot0")));
            }
            int limit = org.palaver.media.control.OfferGate.DEFAULT_LIMIT;
            awaitTrue(() -> kms.offersHeld() == limit, limit + " offers at the media server");
            kms.awaitIdle(Duration.ofSeconds(5)); // every endpoint made: nothing else is on its way
            assertEquals(limit, processOffers() - before, "12 offers sent at once: the rest wait in Palaver");
            assertTrue(people.stream().allMatch(c -> count(c, "sfu-answer") == 0));

            kms.holdOffers(false); // each answer lets the next offer go
            awaitTrue(() -> people.stream().allMatch(c -> count(c, "sfu-answer") == 3), "every offer answered in the end");
            assertEquals(12, processOffers() - before, "each offer once");
            for (SignalClient c : people) {
                c.send("{\"type\":\"leave\"}");
            }
        } finally {
            kms.holdOffers(false);
            people.forEach(SignalClient::close);
        }
        awaitTrue(() -> kms.liveObjects().isEmpty(), "released after all left");
    }

    @Test
    @Order(11)
    void aSlotWhoseConnectFailsIsConnectedAgain() throws Exception {
        String room = createRoom().getString("id");
        try (SignalClient alice = SignalClient.join(base, room, "Alice"); SignalClient bob = SignalClient.join(base, room, "Bob")) {
            alice.send(message("publish", "sdp", offer("sendonly", alice.id() + "-publish")));
            alice.await(m -> m.getString("type").equals("sfu-answer"), "Alice's answer");
            kms.failVideoConnects(2); // a busy media server
            bob.send(message("subscribe", "stream", "~slot0", "sdp", offer("recvonly", bob.id() + "~slot0")));
            bob.await(m -> m.getString("type").equals("sfu-answer"), "Bob's answer");
            awaitTrue(() -> {
                Map<String, String> endpoints = endpointsByOfferTag();
                String camera = endpoints.get(alice.id() + "-publish");
                return camera != null && camera.equals(kms.sources("VIDEO").get(endpoints.get(bob.id() + "~slot0")));
            }, "Bob's slot connected to Alice's camera in the end");
            assertEquals(0, kms.videoConnectsToFail(), "both failures met on the way");
            alice.send("{\"type\":\"leave\"}");
            bob.send("{\"type\":\"leave\"}");
        } finally {
            kms.failVideoConnects(0);
        }
        awaitTrue(() -> kms.liveObjects().isEmpty(), "released after both left");
    }

    // ---- helpers ------------------------------------------------------------------------------

    private static long processOffers() {
        return kms.calls().stream().filter(c -> "processOffer".equals(c.operation())).count();
    }

    /** What a page does: publish, and subscribe to the mix and a slot; waits for all six answers. */
    private static void call(SignalClient a, SignalClient b) throws Exception {
        int answersA = count(a, "sfu-answer");
        int answersB = count(b, "sfu-answer");
        for (SignalClient c : List.of(a, b)) {
            c.send(message("publish", "sdp", offer("sendonly", c.id() + "-publish")));
            c.send(message("subscribe", "stream", "~mix", "sdp", offer("recvonly", c.id() + "~mix")));
            c.send(message("subscribe", "stream", "~slot0", "sdp", offer("recvonly", c.id() + "~slot0")));
        }
        awaitTrue(() -> count(a, "sfu-answer") >= answersA + 3 && count(b, "sfu-answer") >= answersB + 3, "six answers");
    }

    private static int count(SignalClient c, String type) {
        return c.all(type).size();
    }

    private static long pipelineCreations() {
        return kms.calls().stream().filter(c -> "create".equals(c.method()) && "MediaPipeline".equals(c.type())).count();
    }

    /** Offers are tagged in their session name: which endpoint got which offer. */
    private static Map<String, String> endpointsByOfferTag() {
        Map<String, String> byTag = new java.util.HashMap<>();
        kms.liveObjects().keySet().forEach(id -> {
            String offer = kms.offerOf(id);
            if (offer != null) {
                byTag.put(offer.replaceAll("(?s).*\r\ns=([^\r]*)\r\n.*", "$1"), id);
            }
        });
        return byTag;
    }

    private static void printCalls(String what) {
        System.out.println(what + ": " + kms.calls().stream().map(KurentoIT::describe).toList());
    }

    private static String describe(KmsStandIn.Call c) {
        return switch (c.method()) {
            case "create" -> "create " + c.type();
            case "invoke" -> c.operation();
            case "subscribe" -> "subscribe " + c.type();
            default -> c.method();
        };
    }

    static String offer(String direction, String tag) {
        return "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=" + tag + "\r\nt=0 0\r\n"
                + "a=group:BUNDLE 0 1\r\na=msid-semantic: WMS\r\n"
                + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=rtcp:9 IN IP4 0.0.0.0\r\n"
                + "a=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\n"
                + "a=fingerprint:sha-256 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF\r\n"
                + "a=setup:actpass\r\na=mid:0\r\na=" + direction + "\r\na=rtcp-mux\r\na=rtpmap:111 opus/48000/2\r\n"
                + "m=video 9 UDP/TLS/RTP/SAVPF 96\r\nc=IN IP4 0.0.0.0\r\na=rtcp:9 IN IP4 0.0.0.0\r\n"
                + "a=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\n"
                + "a=fingerprint:sha-256 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF\r\n"
                + "a=setup:actpass\r\na=mid:1\r\na=" + direction + "\r\na=rtcp-mux\r\na=rtpmap:96 VP8/90000\r\n";
    }

    static JsonObject candidate(String tag) {
        return Json.createObjectBuilder()
                .add("candidate", "candidate:" + Math.abs(tag.hashCode()) + " 1 udp 2122260223 192.0.2.11 54321 typ host")
                .add("sdpMid", "0").add("sdpMLineIndex", 0).build();
    }

    static String message(String type, Object... fields) {
        var b = Json.createObjectBuilder().add("type", type);
        for (int i = 0; i < fields.length; i += 2) {
            Object v = fields[i + 1];
            if (v instanceof JsonObject o) {
                b.add((String) fields[i], o);
            } else if (v instanceof Boolean flag) {
                b.add((String) fields[i], flag);
            } else {
                b.add((String) fields[i], (String) v);
            }
        }
        return b.build().toString();
    }

    private static JsonObject mediaCheck(JsonObject health) {
        return health.getJsonArray("checks").getValuesAs(JsonObject.class).stream()
                .filter(c -> c.getString("name").equals("media-server")).findFirst().orElseThrow();
    }

    /** Until the media server's readiness data (its load as last read) contains {@code text}. */
    private static void awaitHealth(String text) throws Exception {
        long deadline = System.nanoTime() + UP_WITHIN.toNanos();
        String body;
        do {
            body = get("health/ready").body();
            if (mediaCheck(json(body)).toString().contains(text)) {
                return;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("the media server's load never showed " + text + ": " + body);
    }

    private static void awaitReady(boolean up) throws Exception {
        long deadline = System.nanoTime() + UP_WITHIN.toNanos();
        HttpResponse<String> last;
        do {
            last = get("health/ready");
            String status = mediaCheck(json(last.body())).getString("status");
            if (status.equals(up ? "UP" : "DOWN")) {
                return;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("media server readiness never became " + (up ? "UP" : "DOWN") + ": " + last.body());
    }

    /** Waits until the media server's {@code sink} gets its video from {@code source}. */
    private static void awaitVideoSource(String sink, String source, String what) throws InterruptedException {
        awaitTrue(() -> source.equals(kms.sources("VIDEO").get(sink)), what);
    }

    /** The objects asked for a keyframe since the {@code from}th call the media server got. */
    private static Set<String> keyframesAsked(int from) {
        List<KmsStandIn.Call> calls = kms.calls();
        Set<String> asked = new HashSet<>();
        calls.subList(from, calls.size()).stream().filter(c -> "requestKeyframe".equals(c.operation())).forEach(c -> asked.add(c.object()));
        return asked;
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + UP_WITHIN.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + UP_WITHIN.toSeconds() + " s: " + what + "; alive: " + kms.liveObjects());
            }
            Thread.sleep(50);
        }
    }

    private static JsonObject createRoom() throws Exception {
        HttpResponse<String> created = HTTP.send(HttpRequest.newBuilder(base.resolve("api/rooms"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, created.statusCode(), created.body());
        String id = json(created.body()).getString("id");
        return json(get("api/rooms/" + id).body());
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(base.resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonObject json(String body) {
        return Json.createReader(new StringReader(body)).readObject();
    }
}
