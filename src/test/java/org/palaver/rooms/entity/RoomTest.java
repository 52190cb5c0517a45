package org.palaver.rooms.entity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.palaver.rooms.control.ResumeTokens;
import org.palaver.protocol.ParticipantInfo;
import org.palaver.protocol.ServerMessage;

class RoomTest {

    static final Duration GRACE = Duration.ofSeconds(15);
    static final Duration TTL = Duration.ofMinutes(5);
    final Instant t0 = Instant.parse("2026-01-01T10:00:00Z");
    static final ResumeTokens TOKENS = ResumeTokens.of("test secret");
    final Room room = new Room(RoomId.random(), MediaMode.MESH, 3, GRACE, TTL, null, null, TOKENS, false, t0);

    @Test
    void aMediaServerAtCapacityTurnsSomeoneNewAwayButNotSomeoneComingBack() {
        RefusingMedia media = new RefusingMedia();
        room.attach(media);
        RecordingMailbox a = new RecordingMailbox();
        Seat alice = room.join("Alice", a);
        media.full = true;
        RoomException refused = assertThrows(RoomException.class, () -> room.join("Bob", new RecordingMailbox()));
        assertEquals("media-server-busy", refused.code());
        assertEquals(1, room.size());
        assertTrue(a.all(ServerMessage.ParticipantJoined.class).isEmpty(), "nobody was told of a join that did not happen");
        assertThrows(RoomException.class, () -> room.join("", new RecordingMailbox()), "a bad name is refused first");
        assertEquals(List.of(0, 1), media.asked, "asked with the people present, and not for a name refused anyway");

        room.resume(alice.participant().resumeToken(), new RecordingMailbox());
        assertEquals(List.of(0, 1), media.asked, "someone already in comes back on a new socket without asking the media server");
    }

    @Test
    void joinerGetsTheOthersAndTheOthersGetTheJoiner() {
        RecordingMailbox a = new RecordingMailbox();
        RecordingMailbox b = new RecordingMailbox();
        Seat alice = room.join("Alice", a);
        Seat bob = room.join("  Bob ", b);

        ServerMessage.Joined bobJoined = b.last(ServerMessage.Joined.class);
        assertEquals("Bob", bobJoined.self().name());
        assertEquals(List.of(alice.participant().id()), bobJoined.participants().stream().map(ParticipantInfo::id).toList());
        assertFalse(bobJoined.resumed());
        assertEquals(bob.participant().id(), a.last(ServerMessage.ParticipantJoined.class).participant().id());
        assertTrue(b.all(ServerMessage.ParticipantJoined.class).isEmpty(), "nobody is told about themselves");
        assertTrue(!alice.participant().id().equals(bob.participant().id()));
    }

    @Test
    void relayReachesOnlyTheTargetAndUnknownTargetsAreRefused() {
        RecordingMailbox a = new RecordingMailbox();
        RecordingMailbox b = new RecordingMailbox();
        RecordingMailbox c = new RecordingMailbox();
        Seat alice = room.join("Alice", a);
        Seat bob = room.join("Bob", b);
        room.join("Carol", c);
        int carolBefore = c.received.size();

        room.relay(alice, bob.participant().id(), new ServerMessage.Offer(alice.participant().id(), "v=0"));

        assertEquals(alice.participant().id(), b.last(ServerMessage.Offer.class).from());
        assertEquals(carolBefore, c.received.size());
        RoomException unknown = assertThrows(RoomException.class,
                () -> room.relay(alice, "nobody", new ServerMessage.Offer(alice.participant().id(), "v=0")));
        assertEquals("unknown-participant", unknown.code());
        RoomException self = assertThrows(RoomException.class,
                () -> room.relay(alice, alice.participant().id(), new ServerMessage.Offer(alice.participant().id(), "v=0")));
        assertEquals("unknown-participant", self.code());
    }

    @Test
    void fullRoomRefusesTheNextJoiner() {
        room.join("A", new RecordingMailbox());
        room.join("B", new RecordingMailbox());
        room.join("C", new RecordingMailbox());
        RoomException full = assertThrows(RoomException.class, () -> room.join("D", new RecordingMailbox()));
        assertEquals("room-full", full.code());
        assertEquals(3, room.size());
    }

    @Test
    void mediaStateIsBroadcastToOthers() {
        RecordingMailbox a = new RecordingMailbox();
        RecordingMailbox b = new RecordingMailbox();
        Seat alice = room.join("Alice", a);
        room.join("Bob", b);
        room.setMedia(alice, true, false);
        ServerMessage.MediaState state = b.last(ServerMessage.MediaState.class);
        assertEquals(alice.participant().id(), state.id());
        assertTrue(state.audioMuted());
        assertFalse(state.videoMuted());
        assertTrue(a.all(ServerMessage.MediaState.class).isEmpty());
    }

    @Test
    void leaveTellsOthersAndEmptyRoomExpiresAfterTtl() {
        RecordingMailbox a = new RecordingMailbox();
        RecordingMailbox b = new RecordingMailbox();
        Seat alice = room.join("Alice", a);
        Seat bob = room.join("Bob", b);
        room.leave(alice, t0);
        assertEquals(new ServerMessage.ParticipantLeft(alice.participant().id(), "left"), b.last(ServerMessage.ParticipantLeft.class));
        Instant t1 = t0.plusSeconds(60);
        room.leave(bob, t1);
        assertFalse(room.expire(t1.plus(TTL).minusSeconds(1)));
        assertTrue(room.expire(t1.plus(TTL)));
        assertEquals("room-not-found", assertThrows(RoomException.class, () -> room.join("Late", new RecordingMailbox())).code());
    }

    @Test
    void droppedParticipantResumesAsItselfWithHeldRelays() {
        RecordingMailbox a = new RecordingMailbox();
        RecordingMailbox b = new RecordingMailbox();
        Seat alice = room.join("Alice", a);
        Seat bob = room.join("Bob", b);
        String token = b.last(ServerMessage.Joined.class).resumeToken();

        room.drop(bob, t0);
        assertEquals(new ServerMessage.ParticipantConnection(bob.participant().id(), "reconnecting"),
                a.last(ServerMessage.ParticipantConnection.class));
        room.relay(alice, bob.participant().id(), new ServerMessage.Offer(alice.participant().id(), "held-offer"));
        assertFalse(room.expire(t0.plus(GRACE).minusSeconds(1)));

        RecordingMailbox b2 = new RecordingMailbox();
        Seat bobAgain = room.resume(token, b2);
        assertEquals(bob.participant().id(), bobAgain.participant().id());
        ServerMessage.Joined joined = (ServerMessage.Joined) b2.received.get(0);
        assertTrue(joined.resumed());
        assertEquals(List.of(alice.participant().id()), joined.participants().stream().map(ParticipantInfo::id).toList());
        assertEquals("held-offer", ((ServerMessage.Offer) b2.received.get(1)).sdp());
        assertEquals("connected", a.last(ServerMessage.ParticipantConnection.class).state());
        assertTrue(a.all(ServerMessage.ParticipantLeft.class).isEmpty(), "others never saw a leave");
        assertEquals("not-joined", assertThrows(RoomException.class, () -> room.setMedia(bob, true, true)).code(),
                "the old socket's seat is stale");
    }

    @Test
    void resumeOnANewSocketReplacesAStillOpenOne() {
        RecordingMailbox b = new RecordingMailbox();
        room.join("Bob", b);
        String token = b.last(ServerMessage.Joined.class).resumeToken();
        room.resume(token, new RecordingMailbox());
        assertTrue(b.replaced);
    }

    @Test
    void aRebuiltRoomRestoresParticipantsFromTheirTokensUnderTheSameIds() {
        RecordingMailbox a = new RecordingMailbox();
        RecordingMailbox b = new RecordingMailbox();
        Seat alice = room.join("Alice", a);
        Seat bob = room.join("Bob", b);
        String aliceToken = a.last(ServerMessage.Joined.class).resumeToken();
        String bobToken = b.last(ServerMessage.Joined.class).resumeToken();

        // The server restarted (same secret, a new start): the room is rebuilt from the first token that comes back.
        ResumeTokens restarted = ResumeTokens.of("test secret");
        Room rebuilt = new Room(room.id(), MediaMode.MESH, 3, GRACE, TTL, null, null, restarted, true, t0);
        RecordingMailbox a2 = new RecordingMailbox();
        rebuilt.resume(bobToken, new RecordingMailbox(), restarted.verify(bobToken, t0));
        rebuilt.resume(aliceToken, a2, restarted.verify(aliceToken, t0));
        ServerMessage.Joined joined = a2.last(ServerMessage.Joined.class);
        assertTrue(joined.resumed() && joined.restored());
        assertEquals(alice.participant().id(), joined.self().id());
        assertEquals("Alice", joined.self().name());
        assertEquals(List.of(bob.participant().id()), joined.participants().stream().map(ParticipantInfo::id).toList());

        // A room that never lost anyone restores nobody, and a forged token restores nothing.
        assertEquals("resume-failed", assertThrows(RoomException.class,
                () -> room.resume("forged", new RecordingMailbox(), TOKENS.verify("forged", t0))).code());
        Room other = new Room(RoomId.random(), MediaMode.MESH, 3, GRACE, TTL, null, null, restarted, true, t0);
        assertEquals("resume-failed", assertThrows(RoomException.class,
                () -> other.resume(aliceToken, new RecordingMailbox(), restarted.verify(aliceToken, t0))).code(),
                "a token only opens its own room");
        // The restored get tokens of the new start, which never rebuild a room again.
        String newToken = joined.resumeToken();
        assertTrue(restarted.verify(newToken, t0).isPresent());
        assertFalse(restarted.verify(newToken, t0).get().earlierStart());
        assertTrue(restarted.verify(aliceToken, t0).get().earlierStart());
    }

    @Test
    void aPageThatMissedItsRestoredJoinedResumesWithItsOldTokenIntoTheSamePlace() {
        RecordingMailbox a = new RecordingMailbox();
        Seat alice = room.join("Alice", a);
        room.join("Bob", new RecordingMailbox());
        String aliceToken = a.last(ServerMessage.Joined.class).resumeToken();
        ResumeTokens restarted = ResumeTokens.of("test secret");
        Room rebuilt = new Room(room.id(), MediaMode.MESH, 3, GRACE, TTL, null, null, restarted, true, t0);
        RecordingMailbox lost = new RecordingMailbox();
        rebuilt.resume(aliceToken, lost, restarted.verify(aliceToken, t0));
        // that socket died before its joined arrived; the page comes back with the token it has
        RecordingMailbox again = new RecordingMailbox();
        Seat back = rebuilt.resume(aliceToken, again, restarted.verify(aliceToken, t0));
        assertEquals(alice.participant().id(), back.participant().id());
        assertTrue(lost.replaced, "the earlier socket is the one replaced");
        assertEquals(1, rebuilt.size(), "one Alice, not two");
        assertTrue(again.last(ServerMessage.Joined.class).resumed());
    }

    @Test
    void aTokenOfThisServerStartRestoresNobody() {
        RecordingMailbox b = new RecordingMailbox();
        room.join("Alice", new RecordingMailbox());
        Seat bob = room.join("Bob", b);
        String bobToken = b.last(ServerMessage.Joined.class).resumeToken();
        room.leave(bob, t0);
        // Even into a room marked rebuilt, a token of this very start brings no one back.
        Room rebuilt = new Room(room.id(), MediaMode.MESH, 3, GRACE, TTL, null, null, TOKENS, true, t0);
        assertEquals("resume-failed", assertThrows(RoomException.class,
                () -> rebuilt.resume(bobToken, new RecordingMailbox(), TOKENS.verify(bobToken, t0))).code());
    }

    @Test
    void tokensAreSignedAndCarryTheirClaims() {
        RoomId id = RoomId.random();
        Passcode passcode = Passcode.of("1234");
        String token = TOKENS.issue(id, "p1", "Zoë", false, passcode, null);
        ResumeClaims claims = TOKENS.verify(token, Instant.now()).orElseThrow();
        assertEquals(id, claims.room());
        assertEquals("p1", claims.participantId());
        assertEquals("Zoë", claims.name());
        assertTrue(claims.passcode().matches("1234"));
        assertTrue(ResumeTokens.of("another secret").verify(token, Instant.now()).isEmpty());
        String tampered = token.substring(0, 5) + (token.charAt(5) == 'A' ? 'B' : 'A') + token.substring(6);
        assertTrue(TOKENS.verify(tampered, Instant.now()).isEmpty());
        assertTrue(TOKENS.verify(token, Instant.now().plus(Duration.ofHours(13))).isEmpty(), "too old to rebuild a room");
        assertTrue(TOKENS.verify("no-dot", Instant.now()).isEmpty());
    }

    @Test
    void tokensCarryNoReadablePasscodeMaterial() {
        Passcode passcode = Passcode.of("correct horse");
        String token = TOKENS.issue(RoomId.random(), "p1", "Zoë", false, passcode, null);
        String payload = new String(java.util.Base64.getUrlDecoder().decode(token.substring(0, token.indexOf('.'))),
                java.nio.charset.StandardCharsets.UTF_8);
        for (String part : passcode.encoded().split(":")) {
            assertFalse(payload.contains(part), "salt or hash readable in " + payload);
        }
        assertTrue(TOKENS.verify(token, Instant.now()).orElseThrow().passcode().matches("correct horse"));
        assertTrue(ResumeTokens.of("another secret").verify(token, Instant.now()).isEmpty());
    }

    // ---- chat ----------------------------------------------------------------------------

    @Test
    void chatIdsAreNeverReusedByARoomRebuiltAfterARestart() {
        RecordingMailbox first = new RecordingMailbox();
        RecordingMailbox a = new RecordingMailbox();
        room.chat(room.join("Alice", first), "before", t0);
        Room rebuilt = new Room(room.id(), MediaMode.MESH, 3, GRACE, TTL, null, null, TOKENS, true, t0);
        rebuilt.chat(rebuilt.join("Alice", a), "after", t0);
        String before = first.last(ServerMessage.Chat.class).id();
        String after = a.last(ServerMessage.Chat.class).id();
        assertFalse(before.equals(after), before + " reused");
    }

    @Test
    void chatHistoryIsBoundedInBytes() {
        Seat alice = room.join("Alice", new RecordingMailbox());
        for (int i = 0; i < Room.CHAT_HISTORY; i++) {
            room.chat(alice, i + " " + "ж".repeat(Room.CHAT_MAX_CHARS - 4), t0);
        }
        RecordingMailbox late = new RecordingMailbox();
        room.join("Late", late);
        List<ServerMessage.Chat> history = late.last(ServerMessage.Joined.class).chat();
        int bytes = history.stream().mapToInt(m -> m.text().getBytes(java.nio.charset.StandardCharsets.UTF_8).length).sum();
        assertTrue(bytes <= Room.CHAT_HISTORY_BYTES, bytes + " bytes of history");
        assertFalse(history.isEmpty());
        assertTrue(history.get(history.size() - 1).text().startsWith("99 "), "the newest are kept");
    }

    @Test
    void chatTextLosesControlAndDirectionCharactersAndLineBreaks() {
        RecordingMailbox a = new RecordingMailbox();
        Seat alice = room.join("Alice", a);
        room.chat(alice, " a\u0000b\u0007\u202Ec\nBob 10:42\rd\u2028e\tf\u2066g\u200Fh ", t0);
        assertEquals("abc Bob 10:42 d e fgh", a.last(ServerMessage.Chat.class).text());
        assertEquals("invalid-chat", assertThrows(RoomException.class, () -> room.chat(alice, "\u0000\u202E\n", t0)).code());
    }

    // ---- names ---------------------------------------------------------------------------

    @Test
    void namesWithNothingVisibleAreRefused() {
        for (String name : new String[] {"\u200B", "\u3164", "\u034F", "\u200B\u3164\u034F\u3164", "\u2800", "\uFFA0\u115F",
                "Bob\u200E", "\u061CBob"}) {
            RoomException e = assertThrows(RoomException.class, () -> room.join(name, new RecordingMailbox()), name);
            assertEquals("invalid-name", e.code());
        }
        assertEquals(0, room.size());
        room.join("\u200BZoë\u200D", new RecordingMailbox());
        assertEquals(1, room.size());
    }

    @Test
    void aNameThatLooksLikeSomeoneHereIsMarked() {
        Room big = new Room(RoomId.random(), MediaMode.MESH, 10, GRACE, TTL, null, null, TOKENS, false, t0);
        RecordingMailbox last = new RecordingMailbox();
        big.join("Bob", new RecordingMailbox());
        big.join("Alice", new RecordingMailbox());
        big.join("Bob", new RecordingMailbox());
        big.join("bob", new RecordingMailbox());
        big.join("\u0412\u043Eb", new RecordingMailbox()); // Cyrillic Ve and o
        big.join("B0b", new RecordingMailbox());
        big.join("Bo\u200Bb", last);
        assertEquals(List.of("Bob", "Alice", "Bob (2)", "bob (3)", "\u0412\u043Eb (4)", "B0b (5)", "Bo\u200Bb (6)"),
                big.snapshot().participants().stream().map(RoomSnapshot.Member::name).toList());
        assertEquals("Bo\u200Bb (6)", last.last(ServerMessage.Joined.class).self().name());
    }

    @Test
    void absentParticipantIsRemovedWhenGraceRunsOut() {
        RecordingMailbox a = new RecordingMailbox();
        RecordingMailbox b = new RecordingMailbox();
        room.join("Alice", a);
        Seat bob = room.join("Bob", b);
        String token = b.last(ServerMessage.Joined.class).resumeToken();
        room.drop(bob, t0);
        room.expire(t0.plus(GRACE));
        assertEquals(new ServerMessage.ParticipantLeft(bob.participant().id(), "timeout"), a.last(ServerMessage.ParticipantLeft.class));
        assertEquals(1, room.size());
        assertEquals("resume-failed", assertThrows(RoomException.class, () -> room.resume(token, new RecordingMailbox())).code());
    }

    @Test
    void heldRelaysAreBoundedAndTheSenderIsTold() {
        RecordingMailbox a = new RecordingMailbox();
        Seat alice = room.join("Alice", a);
        Seat bob = room.join("Bob", new RecordingMailbox());
        room.drop(bob, t0);
        for (int i = 0; i < Participant.HELD_LIMIT; i++) {
            room.relay(alice, bob.participant().id(), new ServerMessage.Answer(alice.participant().id(), "a" + i));
        }
        RoomException full = assertThrows(RoomException.class,
                () -> room.relay(alice, bob.participant().id(), new ServerMessage.Answer(alice.participant().id(), "one too many")));
        assertEquals("participant-unavailable", full.code());
    }

    @Test
    void passcodeRoomChecksThePasscodeAndHidesWhoIsInside() {
        Room locked = new Room(RoomId.random(), MediaMode.MESH, 3, GRACE, TTL, Passcode.of("open sesame"), null, TOKENS, false, t0);
        assertEquals("passcode-required", assertThrows(RoomException.class, () -> locked.checkPasscode(null)).code());
        assertEquals("passcode-required", assertThrows(RoomException.class, () -> locked.checkPasscode("")).code());
        assertEquals("passcode-invalid", assertThrows(RoomException.class, () -> locked.checkPasscode("open sesame!")).code());
        locked.checkPasscode("open sesame");
        locked.join("Alice", new RecordingMailbox());
        assertTrue(locked.snapshot().passcodeRequired());
        assertTrue(locked.snapshot().participants().isEmpty());
        room.checkPasscode(null); // an open room needs none
        assertFalse(room.snapshot().passcodeRequired());
    }

    @Test
    void passcodesHaveSaneLengthsAndAreNeverShown() {
        assertEquals("invalid-passcode", assertThrows(RoomException.class, () -> Passcode.of("abc")).code());
        assertEquals("invalid-passcode", assertThrows(RoomException.class, () -> Passcode.of("x".repeat(129))).code());
        Passcode p = Passcode.of("1234");
        assertTrue(p.matches("1234"));
        assertFalse(p.matches("12345"));
        assertFalse(p.toString().contains("1234"));
    }

    @Test
    void badNamesAreRefusedAndNothingChanges() {
        for (String name : new String[] {null, "", "   ", "x".repeat(65), "tab\there", "bell\u0007", "evil\u202Eeman"}) {
            RoomException e = assertThrows(RoomException.class, () -> room.join(name, new RecordingMailbox()), String.valueOf(name));
            assertEquals("invalid-name", e.code());
        }
        assertEquals(0, room.size());
        room.join("Zoë 🙂 <b>", new RecordingMailbox());
        assertEquals("Zoë 🙂 <b>", room.snapshot().participants().get(0).name());
    }
}
