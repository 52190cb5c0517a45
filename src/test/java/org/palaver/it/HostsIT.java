package org.palaver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Hosts over the real protocol: the host link's secret makes a host, and every host control is
 * checked on the server, whatever a client sends by hand.
 */
@ExtendWith(ArquillianExtension.class)
class HostsIT {

    static final HttpClient HTTP = HttpClient.newHttpClient();

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.builtWar();
    }

    @ArquillianResource
    URL reported;

    URI base;

    @BeforeEach
    void base() {
        base = Deployments.loopback(reported);
    }

    record Made(String id, String secret) {
    }

    /** POST /api/rooms: the host URL is the room URL with the secret in its fragment. */
    Made create() throws Exception {
        HttpResponse<String> created = HTTP.send(HttpRequest.newBuilder(base.resolve("api/rooms"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, created.statusCode());
        JsonObject body = Json.createReader(new StringReader(created.body())).readObject();
        String hostUrl = body.getString("hostUrl");
        assertTrue(hostUrl.startsWith(body.getString("url") + "#host="), hostUrl);
        String secret = hostUrl.substring(hostUrl.indexOf("#host=") + 6);
        assertTrue(secret.matches("[A-Za-z0-9_-]{20,}"), secret);
        String found = HTTP.send(HttpRequest.newBuilder(base.resolve("api/rooms/" + body.getString("id"))).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertFalse(found.contains(secret), "the room JSON never shows the secret: " + found);
        return new Made(body.getString("id"), secret);
    }

    SignalClient join(String room, String name, String hostSecret) throws Exception {
        SignalClient client = SignalClient.connect(base, room);
        var join = Json.createObjectBuilder().add("type", "join").add("name", name);
        if (hostSecret != null) {
            join.add("host", hostSecret);
        }
        client.send(join.build().toString());
        client.await("joined");
        return client;
    }

    @Test
    void theHostLinkMakesAHostAndNothingElseDoes() throws Exception {
        Made room = create();
        try (SignalClient hanna = join(room.id(), "Hanna", room.secret());
             SignalClient alice = join(room.id(), "Alice", room.secret() + "x");
             SignalClient bob = join(room.id(), "Bob", null)) {
            assertTrue(hanna.joined().getJsonObject("self").getBoolean("host"));
            assertFalse(alice.joined().getJsonObject("self").getBoolean("host"));
            assertFalse(bob.joined().getJsonObject("self").getBoolean("host"));
            assertTrue(bob.joined().getJsonArray("participants").getValuesAs(JsonObject.class).stream()
                    .anyMatch(p -> p.getString("name").equals("Hanna") && p.getBoolean("host")), "everyone sees who is host");
        }
    }

    @Test
    void everyHostControlSentByHandByANonHostIsRefusedAndChangesNothing() throws Exception {
        Made room = create();
        try (SignalClient hanna = join(room.id(), "Hanna", room.secret());
             SignalClient alice = join(room.id(), "Alice", null)) {
            String h = hanna.id();
            for (String attempt : List.of(
                    "{\"type\":\"mute-participant\",\"participant\":\"" + h + "\"}",
                    "{\"type\":\"mute-all\"}",
                    "{\"type\":\"ask-camera\",\"participant\":\"" + h + "\"}",
                    "{\"type\":\"remove-participant\",\"participant\":\"" + h + "\"}",
                    "{\"type\":\"make-host\",\"participant\":\"" + alice.id() + "\"}",
                    "{\"type\":\"lock-room\",\"locked\":true}",
                    "{\"type\":\"end-meeting\"}")) {
                alice.send(attempt);
                JsonObject error = alice.await("error");
                assertEquals("not-host", error.getString("error"), attempt);
            }
            hanna.sync();
            assertTrue(hanna.all("muted-by-host").isEmpty() && hanna.all("camera-requested").isEmpty()
                    && hanna.all("removed").isEmpty() && hanna.all("meeting-ended").isEmpty(), hanna.allMessages().toString());
            assertTrue(hanna.all("room-state").isEmpty() && hanna.all("host").isEmpty());
            try (SignalClient bob = join(room.id(), "Bob", null)) { // not locked
                assertEquals(3, bob.joined().getJsonArray("participants").size() + 1);
            }
            alice.send("{\"type\":\"mute-participant\"}");
            assertEquals("invalid-message", alice.await("error").getString("error"), "a malformed host message is refused as such");
        }
    }

    @Test
    void aHostMutesAsksRemovesMakesAHostLocksAndEndsTheMeeting() throws Exception {
        Made room = create();
        SignalClient hanna = join(room.id(), "Hanna", room.secret());
        SignalClient alice = join(room.id(), "Alice", null);
        SignalClient bob = join(room.id(), "Bob", null);
        try {
            hanna.send("{\"type\":\"mute-participant\",\"participant\":\"" + alice.id() + "\"}");
            JsonObject muted = alice.await("muted-by-host");
            assertEquals(hanna.id(), muted.getString("by"));
            assertEquals("Hanna", muted.getString("name"));
            JsonObject seen = bob.await("media-state");
            assertEquals(alice.id(), seen.getString("id"));
            assertTrue(seen.getBoolean("audioMuted"));

            hanna.send("{\"type\":\"ask-camera\",\"participant\":\"" + bob.id() + "\"}");
            assertEquals("Hanna", bob.await("camera-requested").getString("name"));

            hanna.send("{\"type\":\"lock-room\",\"locked\":true}");
            assertTrue(alice.await("room-state").getBoolean("locked"));
            try (SignalClient carol = SignalClient.connect(base, room.id())) {
                carol.send("{\"type\":\"join\",\"name\":\"Carol\"}");
                assertEquals("room-locked", carol.await("error").getString("error"));
            }
            try (SignalClient hannaPhone = join(room.id(), "Hanna", room.secret())) {
                assertTrue(hannaPhone.joined().getBoolean("locked"), "a host still gets in, and learns it is locked");
            }

            hanna.send("{\"type\":\"make-host\",\"participant\":\"" + bob.id() + "\"}");
            JsonObject promoted = bob.await(m -> "host".equals(m.getString("type")), "host");
            assertTrue(promoted.getBoolean("host"));
            String bobToken = promoted.getString("resumeToken");
            JsonObject told = alice.await(m -> "host".equals(m.getString("type")), "host");
            assertEquals(bob.id(), told.getString("id"));
            assertFalse(told.containsKey("resumeToken"), "only the new host gets its token");

            String aliceToken = alice.joined().getString("resumeToken");
            bob.send("{\"type\":\"remove-participant\",\"participant\":\"" + alice.id() + "\"}");
            JsonObject removed = alice.await("removed");
            assertEquals(bob.id(), removed.getString("by"));
            assertEquals(4005, alice.awaitClose(), "the removed page is told not to come back");
            JsonObject left = hanna.await("participant-left");
            assertEquals(alice.id(), left.getString("id"));
            assertEquals("removed", left.getString("reason"));
            try (SignalClient back = SignalClient.connect(base, room.id())) {
                back.send("{\"type\":\"resume\",\"token\":\"" + aliceToken + "\"}");
                assertEquals("removed", back.await("error").getString("error"), "the removed token is dead, and the page is told why");
            }

            // Bob's new token resumes him as a host; then he ends the meeting for everyone.
            bob.abort();
            SignalClient bobBack = SignalClient.connect(base, room.id());
            bobBack.send("{\"type\":\"resume\",\"token\":\"" + bobToken + "\"}");
            assertTrue(bobBack.await("joined").getJsonObject("self").getBoolean("host"));
            bobBack.send("{\"type\":\"end-meeting\"}");
            for (SignalClient c : List.of(hanna, bobBack)) {
                assertEquals("Bob", c.await("meeting-ended").getString("name"));
                assertEquals(4005, c.awaitClose());
            }
            assertEquals(404, HTTP.send(HttpRequest.newBuilder(base.resolve("api/rooms/" + room.id())).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode(), "the room is gone");
        } finally {
            for (SignalClient c : List.of(hanna, alice, bob)) {
                c.close();
            }
        }
    }

    @Test
    void theLobbyHoldsNewcomersUntilAHostLetsThemInOrTurnsThemAway() throws Exception {
        Made room = create();
        try (SignalClient hanna = join(room.id(), "Hanna", room.secret());
             SignalClient alice = join(room.id(), "Alice", null)) {
            alice.send("{\"type\":\"lobby\",\"enabled\":true}");
            assertEquals("not-host", alice.await("error").getString("error"));
            hanna.send("{\"type\":\"lobby\",\"enabled\":true}");
            assertTrue(alice.await("room-state").getBoolean("lobby"));

            try (SignalClient carol = SignalClient.connect(base, room.id())) {
                carol.send("{\"type\":\"join\",\"name\":\"Carol\"}");
                carol.await("lobby-waiting");
                JsonObject request = hanna.await("lobby-request");
                assertEquals("Carol", request.getString("name"));
                carol.send("{\"type\":\"chat\",\"text\":\"let me in\"}");
                assertEquals("not-joined", carol.await("error").getString("error"), "nothing but waiting in the lobby");
                alice.send("{\"type\":\"admit\",\"id\":\"" + request.getString("id") + "\"}");
                assertEquals("not-host", alice.await("error").getString("error"));
                alice.sync();
                assertTrue(alice.all("lobby-request").isEmpty(), "guests never see who waits");

                hanna.send("{\"type\":\"admit\",\"id\":\"" + request.getString("id") + "\"}");
                assertEquals("Carol", carol.await("joined").getJsonObject("self").getString("name"));
                assertEquals(request.getString("id"), hanna.await("lobby-left").getString("id"));
                assertEquals(carol.id(), alice.await("participant-joined").getJsonObject("participant").getString("id"));
                carol.send("{\"type\":\"chat\",\"text\":\"thanks\"}");
                assertEquals("thanks", alice.await("chat").getString("text"), "let in: a participant like any other");
            }

            SignalClient dave = SignalClient.connect(base, room.id());
            dave.send("{\"type\":\"join\",\"name\":\"Dave\"}");
            dave.await("lobby-waiting");
            hanna.send("{\"type\":\"deny\",\"id\":\"" + hanna.await("lobby-request").getString("id") + "\"}");
            assertEquals("Hanna", dave.await("lobby-denied").getString("name"));
            assertEquals(4005, dave.awaitClose());
            hanna.await("lobby-left");

            SignalClient erin = SignalClient.connect(base, room.id());
            erin.send("{\"type\":\"join\",\"name\":\"Erin\"}");
            erin.await("lobby-waiting");
            String erinRequest = hanna.await("lobby-request").getString("id");
            erin.close(); // gave up waiting
            assertEquals(erinRequest, hanna.await("lobby-left").getString("id"));
        }
    }
}
