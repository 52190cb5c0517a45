package org.palaver.signaling.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.palaver.ice.control.IceServers;
import org.palaver.protocol.ClientMessage;
import org.palaver.protocol.IceCandidate;
import org.palaver.protocol.ParticipantInfo;
import org.palaver.protocol.ServerMessage;

/** The JSON of every message kind through Yasson, the JSON-B implementation Payara ships. */
class MessageCodecTest {

    static final MessageCodec codec = new MessageCodec();
    static final IceCandidate CANDIDATE = new IceCandidate("candidate:1 1 udp 2122260223 10.0.0.2 54321 typ host", "0", 0, "abcd");

    @AfterAll
    static void close() throws Exception {
        codec.close();
    }

    @Test
    void decodesEveryClientKind() throws ProtocolException {
        assertEquals(new ClientMessage.Join("Alice", null, null, null), codec.decode("{\"type\":\"join\",\"name\":\"Alice\"}"));
        assertEquals(new ClientMessage.Join("Alice", "1234", null, null), codec.decode("{\"type\":\"join\",\"name\":\"Alice\",\"passcode\":\"1234\"}"));
        assertEquals(new ClientMessage.Resume("tok", null), codec.decode("{\"type\":\"resume\",\"token\":\"tok\"}"));
        assertEquals(new ClientMessage.Resume("tok", "k3a-41"), codec.decode("{\"type\":\"resume\",\"token\":\"tok\",\"chatSince\":\"k3a-41\"}"));
        assertEquals(new ClientMessage.IceServersRequest(), codec.decode("{\"type\":\"ice-servers\"}"));
        assertEquals(new ClientMessage.Offer("p2", "v=0"), codec.decode("{\"type\":\"offer\",\"to\":\"p2\",\"sdp\":\"v=0\"}"));
        assertEquals(new ClientMessage.Answer("p2", "v=0"), codec.decode("{\"sdp\":\"v=0\",\"to\":\"p2\",\"type\":\"answer\"}"));
        assertEquals(new ClientMessage.Candidate("p2", CANDIDATE), codec.decode(
                "{\"type\":\"candidate\",\"to\":\"p2\",\"candidate\":{\"candidate\":\"" + CANDIDATE.candidate()
                        + "\",\"sdpMid\":\"0\",\"sdpMLineIndex\":0,\"usernameFragment\":\"abcd\"}}"));
        assertEquals(new ClientMessage.MediaState(true, false),
                codec.decode("{\"type\":\"media-state\",\"audioMuted\":true,\"videoMuted\":false}"));
        assertEquals(new ClientMessage.Leave(), codec.decode("{\"type\":\"leave\"}"));
        assertEquals(new ClientMessage.Chat("<b>hi</b>"), codec.decode("{\"type\":\"chat\",\"text\":\"<b>hi</b>\"}"));
        assertEquals(new ClientMessage.Hand(true), codec.decode("{\"type\":\"hand\",\"raised\":true}"));
        assertEquals(new ClientMessage.Speaking(false), codec.decode("{\"type\":\"speaking\",\"speaking\":false}"));
        assertEquals(new ClientMessage.Pin("abc"), codec.decode("{\"type\":\"pin\",\"participant\":\"abc\"}"));
        assertEquals(new ClientMessage.Pin(null), codec.decode("{\"type\":\"pin\"}"), "no participant: unpin");
        assertEquals("invalid-message", assertThrows(ProtocolException.class,
                () -> codec.decode("{\"type\":\"speaking\"}")).code());
        assertEquals(new ClientMessage.Screen(true, "{a1b2-c3}"), codec.decode("{\"type\":\"screen\",\"sharing\":true,\"streamId\":\"{a1b2-c3}\"}"));
        assertEquals(new ClientMessage.Screen(false, null), codec.decode("{\"type\":\"screen\",\"sharing\":false}"));
        assertEquals("invalid-message", assertThrows(ProtocolException.class,
                () -> codec.decode("{\"type\":\"screen\",\"sharing\":true,\"streamId\":\"<x>\"}")).code());
        assertEquals(new ClientMessage.Publish("v=0", null), codec.decode("{\"type\":\"publish\",\"sdp\":\"v=0\"}"));
        assertEquals(new ClientMessage.Subscribe("p2", "v=0"), codec.decode("{\"type\":\"subscribe\",\"stream\":\"p2\",\"sdp\":\"v=0\"}"));
        assertEquals("p2", ((ClientMessage.SfuCandidate) codec.decode("{\"type\":\"sfu-candidate\",\"stream\":\"p2\","
                + "\"candidate\":{\"candidate\":\"candidate:1 1 udp 1 192.0.2.1 9 typ host\"}}")).stream());
        ProtocolException wrong = assertThrows(ProtocolException.class, () -> codec.decode("{\"type\":\"hand\",\"raised\":\"yes\"}"));
        assertEquals("invalid-message", wrong.code());
        assertEquals(new ClientMessage.Ping(), codec.decode("{\"type\":\"ping\"}"));
    }

    @Test
    void aClaimedSenderIsIgnored() throws ProtocolException {
        assertEquals(new ClientMessage.Offer("p2", "v=0"),
                codec.decode("{\"type\":\"offer\",\"from\":\"someone-else\",\"to\":\"p2\",\"sdp\":\"v=0\"}"));
    }

    @Test
    void encodesEveryServerKindWithItsType() {
        ParticipantInfo alice = new ParticipantInfo("p1", "Alice", false, true, "connected", false, null, false, false);
        List<Object[]> cases = List.of(
                new Object[] {new ServerMessage.Joined(alice, "tok", "mesh", List.of(alice), false, false, List.of()), "joined"},
                new Object[] {new ServerMessage.ParticipantJoined(alice), "participant-joined"},
                new Object[] {new ServerMessage.ParticipantLeft("p1", "left"), "participant-left"},
                new Object[] {new ServerMessage.ParticipantConnection("p1", "reconnecting"), "participant-connection"},
                new Object[] {new ServerMessage.MediaState("p1", true, false), "media-state"},
                new Object[] {new ServerMessage.Offer("p1", "v=0"), "offer"},
                new Object[] {new ServerMessage.Answer("p1", "v=0"), "answer"},
                new Object[] {new ServerMessage.Candidate("p1", CANDIDATE), "candidate"},
                new Object[] {new ServerMessage.Pong(), "pong"},
                new Object[] {new ServerMessage.Error("room-full", "full"), "error"},
                new Object[] {new ServerMessage.Chat("1", "p1", "Alice", "hi", "2026-01-01T10:00:00Z"), "chat"},
                new Object[] {new ServerMessage.Hand("p1", true), "hand"},
                new Object[] {new ServerMessage.Screen("p1", true, "stream-1"), "screen"},
                new Object[] {new ServerMessage.SfuAnswer("p1", "v=0"), "sfu-answer"},
                new Object[] {new ServerMessage.SfuCandidate("p1", CANDIDATE), "sfu-candidate"},
                new Object[] {new ServerMessage.MediaInterrupted(), "media-interrupted"},
                new Object[] {new ServerMessage.SfuRestart(), "sfu-restart"},
                new Object[] {new ServerMessage.IceServerList(List.of(new IceServers.IceServer(List.of("turn:t:3478"), "9:p1", "c")), 600L),
                        "ice-servers"});
        for (Object[] c : cases) {
            JsonObject json = parse(codec.encode((ServerMessage) c[0]));
            assertEquals(c[1], json.getString("type"), json.toString());
        }
        JsonObject joined = parse(codec.encode((ServerMessage) cases.get(0)[0]));
        assertEquals("Alice", joined.getJsonObject("self").getString("name"));
        assertTrue(joined.getJsonObject("self").getBoolean("videoMuted"));
        assertEquals("tok", joined.getString("resumeToken"));
        assertEquals(1, joined.getJsonArray("participants").size());
        JsonObject candidate = parse(codec.encode((ServerMessage) cases.get(7)[0]));
        assertEquals(0, candidate.getJsonObject("candidate").getInt("sdpMLineIndex"));
        assertEquals("p1", candidate.getString("from"));
        assertTrue(!joined.containsKey("iceServers"), "left out until the connection adds them");
        JsonObject withIce = parse(codec.encode(new ServerMessage.Joined(alice, "tok", "mesh", List.of(), false, false, List.of())
                .with(List.of(), List.of(new IceServers.IceServer(List.of("stun:s:3478"), null, null)), null)));
        assertEquals("stun:s:3478", withIce.getJsonArray("iceServers").getJsonObject(0).getJsonArray("urls").getString(0));
        JsonObject ice = parse(codec.encode((ServerMessage) cases.get(cases.size() - 1)[0]));
        assertEquals(600, ice.getInt("ttl"));
        assertEquals("9:p1", ice.getJsonArray("iceServers").getJsonObject(0).getString("username"));
        assertEquals("{\"type\":\"error\",\"error\":\"room-full\",\"message\":\"full\"}",
                codec.encode(new ServerMessage.Error("room-full", "full")));
    }

    @Test
    void slotsKeepTheirEmptyPlacesAndNobodySpeakingHasNoId() {
        JsonObject slots = parse(codec.encode(new ServerMessage.Slots(java.util.Arrays.asList("p1", null, "p3"))));
        assertEquals("slots", slots.getString("type"));
        assertEquals(3, slots.getJsonArray("slots").size(), slots.toString());
        assertTrue(slots.getJsonArray("slots").isNull(1), "an empty slot stays in its place: " + slots);
        assertEquals("p3", slots.getJsonArray("slots").getString(2));
        assertEquals("{\"type\":\"speaker\",\"id\":\"p1\"}", codec.encode(new ServerMessage.Speaker("p1")));
        assertEquals("{\"type\":\"speaker\"}", codec.encode(new ServerMessage.Speaker(null)));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "not json at all|malformed-json",
            "{\"type\":\"join\",\"name\":\"A\"|malformed-json",
            "[1,2,3]|malformed-json",
            "\"join\"|malformed-json",
            "{\"type\":\"join\",\"name\":\"A\"} trailing|malformed-json",
            "{\"name\":\"A\"}|invalid-message",
            "{\"type\":42}|invalid-message",
            "{\"type\":\"teleport\"}|unknown-type",
            "{\"type\":\"joined\"}|unknown-type",
            "{\"type\":\"join\"}|invalid-message",
            "{\"type\":\"offer\",\"to\":\"p2\"}|invalid-message",
            "{\"type\":\"candidate\",\"to\":\"p2\",\"candidate\":{}}|invalid-message",
            "{\"type\":\"media-state\",\"audioMuted\":true}|invalid-message",
            "{\"type\":\"media-state\",\"audioMuted\":\"yes\",\"videoMuted\":false}|invalid-message",
            "{\"type\":\"join\",\"name\":{\"a\":1}}|invalid-message",
            "{\"type\":\"join\",\"name\":12}|invalid-message",
            "{\"type\":\"offer\",\"to\":\"p2\",\"sdp\":\"v=0 \\ud800\"}|invalid-message",
            "{\"type\":\"candidate\",\"to\":\"p2\",\"candidate\":{\"candidate\":\"\\udfff\"}}|invalid-message",
            "{\"type\":\"candidate\",\"to\":\"p2\",\"candidate\":{\"candidate\":\"\",\"sdpMLineIndex\":1e40}}|invalid-message",
            "{\"type\":\"candidate\",\"to\":\"p2\",\"candidate\":\"text\"}|invalid-message",
            "{\"type\":\"join\",\"name\":[[[[[[[[[[1]]]]]]]]]]}|invalid-message"
    })
    void refusesBadInputWithItsOwnCode(String text, String code) {
        ProtocolException e = assertThrows(ProtocolException.class, () -> codec.decode(text));
        assertEquals(code, e.code(), e.getMessage());
        assertTrue(!e.getMessage().contains("Exception"), "no internals in: " + e.getMessage());
    }

    @Test
    void pairedSurrogatesAreFineAndEchoedTypesAreDefanged() throws ProtocolException {
        assertEquals("v=0 \uD83D\uDE00", ((ClientMessage.Offer) codec.decode("{\"type\":\"offer\",\"to\":\"p\",\"sdp\":\"v=0 \\ud83d\\ude00\"}")).sdp());
        ProtocolException e = assertThrows(ProtocolException.class, () -> codec.decode("{\"type\":\"<b>\\ud800\"}"));
        assertEquals("Unknown message type '?b??'.", e.getMessage());
    }

    @Test
    void missingFieldIsNamed() {
        ProtocolException e = assertThrows(ProtocolException.class, () -> codec.decode("{\"type\":\"offer\",\"to\":\"p2\"}"));
        assertTrue(e.getMessage().contains("'sdp'"), e.getMessage());
    }

    @Test
    void refusesMessagesOver64KiB() throws ProtocolException {
        String limit = "{\"type\":\"offer\",\"to\":\"p2\",\"sdp\":\"%s\"}";
        int room = MessageCodec.MAX_MESSAGE_BYTES - String.format(limit, "").length();
        assertEquals(room, ((ClientMessage.Offer) codec.decode(String.format(limit, "x".repeat(room)))).sdp().length());
        assertEquals("message-too-large", assertThrows(ProtocolException.class,
                () -> codec.decode(String.format(limit, "x".repeat(room + 1)))).code());
        // Counted in UTF-8 bytes, not characters.
        assertEquals("message-too-large", assertThrows(ProtocolException.class,
                () -> codec.decode(String.format(limit, "é".repeat(room / 2 + 1)))).code());
    }

    private static JsonObject parse(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }
}
