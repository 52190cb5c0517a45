package org.palaver.rooms.entity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.palaver.rooms.control.ResumeTokens;
import org.palaver.protocol.ServerMessage;

/** Hosts and what only they may do, each checked on the room whatever a client sends. */
class RoomHostsTest {

    static final Duration GRACE = Duration.ofSeconds(15);
    static final Duration TTL = Duration.ofMinutes(5);
    static final ResumeTokens TOKENS = ResumeTokens.of("test secret");
    final Instant t0 = Instant.parse("2026-01-01T10:00:00Z");
    final HostKey.Issued key = HostKey.create();
    final Room room = new Room(RoomId.random(), MediaMode.MESH, 5, GRACE, TTL, null, key.key(), TOKENS, false, t0);
    final RecordingMailbox h = new RecordingMailbox();
    final RecordingMailbox a = new RecordingMailbox();
    final RecordingMailbox b = new RecordingMailbox();
    final Seat host = room.join("Hanna", key.secret(), h);
    final Seat alice = room.join("Alice", null, a);
    final Seat bob = room.join("Bob", "not the secret", b);

    @Test
    void theHostSecretMakesAHostAndEveryoneSeesWhoIs() {
        assertTrue(h.last(ServerMessage.Joined.class).self().host());
        assertFalse(a.last(ServerMessage.Joined.class).self().host());
        assertFalse(b.last(ServerMessage.Joined.class).self().host(), "a wrong secret makes nobody a host");
        assertTrue(b.last(ServerMessage.Joined.class).participants().stream().filter(p -> p.name().equals("Hanna"))
                .findFirst().orElseThrow().host());
        assertFalse(key.key().matches(null));
        assertFalse(key.key().matches(""));
        assertFalse(key.key().matches(key.secret() + "x"));
    }

    @Test
    void everyHostControlIsRefusedToANonHostAndChangesNothing() {
        String hostId = host.participant().id();
        for (Executable attempt : new Executable[] {
                () -> room.muteParticipant(alice, hostId),
                () -> room.muteAll(alice),
                () -> room.askCamera(alice, hostId),
                () -> room.removeParticipant(alice, hostId, t0),
                () -> room.makeHost(alice, bob.participant().id()),
                () -> room.lock(alice, true),
                () -> room.endMeeting(alice)}) {
            assertEquals("not-host", assertThrows(RoomException.class, attempt).code());
        }
        assertEquals(3, room.size());
        assertTrue(h.all(ServerMessage.MutedByHost.class).isEmpty());
        assertNull(h.dismissedWith);
        assertTrue(a.all(ServerMessage.RoomState.class).isEmpty());
        room.join("Carol", null, new RecordingMailbox()); // not locked
    }

    @Test
    void aMutedParticipantIsToldWhoDidItAndEveryoneSeesThemMuted() {
        room.muteParticipant(host, alice.participant().id());
        ServerMessage.MutedByHost told = a.last(ServerMessage.MutedByHost.class);
        assertEquals(host.participant().id(), told.by());
        assertEquals("Hanna", told.name());
        ServerMessage.MediaState seen = b.last(ServerMessage.MediaState.class);
        assertEquals(alice.participant().id(), seen.id());
        assertTrue(seen.audioMuted());
        assertEquals("unknown-participant", assertThrows(RoomException.class,
                () -> room.muteParticipant(host, host.participant().id())).code(), "a host mutes themselves on their own page");
        assertEquals("unknown-participant", assertThrows(RoomException.class, () -> room.muteParticipant(host, "nobody")).code());
    }

    @Test
    void muteAllMutesEveryoneButTheHosts() {
        room.muteAll(host);
        assertEquals(1, a.all(ServerMessage.MutedByHost.class).size());
        assertEquals(1, b.all(ServerMessage.MutedByHost.class).size());
        assertTrue(h.all(ServerMessage.MutedByHost.class).isEmpty());
    }

    @Test
    void aRemovedParticipantIsSentAwayAndTheirTokenNeverBringsThemBack() {
        String token = a.last(ServerMessage.Joined.class).resumeToken();
        room.removeParticipant(host, alice.participant().id(), t0);
        assertEquals(new ServerMessage.Removed(host.participant().id(), "Hanna"), a.dismissedWith);
        ServerMessage.ParticipantLeft left = b.last(ServerMessage.ParticipantLeft.class);
        assertEquals(alice.participant().id(), left.id());
        assertEquals("removed", left.reason());
        assertEquals("resume-failed", assertThrows(RoomException.class, () -> room.resume(token, new RecordingMailbox())).code());
        assertEquals(2, room.size());
    }

    @Test
    void aRemovedParticipantCannotBeRestoredIntoTheRoomRebuiltFromTokens() {
        String token = a.last(ServerMessage.Joined.class).resumeToken();
        ResumeTokens restarted = ResumeTokens.of("test secret");
        Room rebuilt = new Room(room.id(), MediaMode.MESH, 5, GRACE, TTL, null, key.key(), restarted, true, t0);
        ResumeClaims claims = restarted.verify(token, t0).orElseThrow();
        assertFalse(claims.host());
        // the host of the rebuilt room is restored as host, and the room's host key came back with the tokens
        ResumeClaims hostClaims = restarted.verify(h.last(ServerMessage.Joined.class).resumeToken(), t0).orElseThrow();
        assertTrue(hostClaims.host());
        assertTrue(hostClaims.hostKey().matches(key.secret()));
        RecordingMailbox h2 = new RecordingMailbox();
        Seat hostAgain = rebuilt.resume(h.last(ServerMessage.Joined.class).resumeToken(), h2, Optional.of(hostClaims));
        assertTrue(h2.last(ServerMessage.Joined.class).self().host());
        RecordingMailbox a2 = new RecordingMailbox();
        Seat aliceAgain = rebuilt.resume(token, a2, Optional.of(claims));
        rebuilt.removeParticipant(hostAgain, aliceAgain.participant().id(), t0);
        assertEquals("removed", assertThrows(RoomException.class,
                () -> rebuilt.resume(token, new RecordingMailbox(), Optional.of(claims))).code());
    }

    @Test
    void aNewHostGetsATokenThatSaysSoAndEveryoneIsTold() {
        String oldToken = a.last(ServerMessage.Joined.class).resumeToken();
        room.makeHost(host, alice.participant().id());
        ServerMessage.HostChanged own = a.last(ServerMessage.HostChanged.class);
        assertTrue(own.host());
        assertNotEquals(oldToken, own.resumeToken());
        assertTrue(TOKENS.verify(own.resumeToken(), t0).orElseThrow().host());
        ServerMessage.HostChanged others = b.last(ServerMessage.HostChanged.class);
        assertEquals(alice.participant().id(), others.id());
        assertNull(others.resumeToken(), "nobody else gets the new host's token");
        room.muteParticipant(alice, bob.participant().id()); // a host now
        room.resume(own.resumeToken(), new RecordingMailbox());
        RecordingMailbox withOld = new RecordingMailbox();
        room.resume(oldToken, withOld); // a page that missed the message still gets back in
        assertEquals(own.resumeToken(), withOld.last(ServerMessage.Joined.class).resumeToken(), "and gets the new token");
    }

    @Test
    void aLockedRoomTakesNobodyNewButHostsAndEveryoneIsTold() {
        room.lock(host, true);
        assertTrue(a.last(ServerMessage.RoomState.class).locked());
        assertEquals("room-locked", assertThrows(RoomException.class, () -> room.precheck("Carol", null, null)).code());
        assertEquals("room-locked", assertThrows(RoomException.class, () -> room.join("Carol", null, new RecordingMailbox())).code());
        RecordingMailbox second = new RecordingMailbox();
        room.join("Hanna on her phone", key.secret(), second);
        assertTrue(second.last(ServerMessage.Joined.class).locked(), "a joiner learns the room is locked");
        room.lock(host, false);
        room.join("Carol", null, new RecordingMailbox());
    }

    @Test
    void endingTheMeetingSendsEveryoneAwayAndClosesTheRoom() {
        room.endMeeting(host);
        ServerMessage.MeetingEnded ended = new ServerMessage.MeetingEnded(host.participant().id(), "Hanna");
        assertEquals(ended, a.dismissedWith);
        assertEquals(ended, b.dismissedWith);
        assertEquals(ended, h.dismissedWith);
        assertEquals(0, room.size());
        assertEquals("room-not-found", assertThrows(RoomException.class, () -> room.join("Carol", null, new RecordingMailbox())).code());
        assertTrue(room.expire(t0), "closed: the service forgets it");
    }

    @Test
    void aHostJoinsAPasscodeRoomWithoutThePasscode() {
        Room guarded = new Room(RoomId.random(), MediaMode.MESH, 5, GRACE, TTL, Passcode.of("open sesame"), key.key(), TOKENS, false, t0);
        assertFalse(guarded.precheck("Hanna", null, key.secret()), "no passcode hash for the host");
        assertTrue(guarded.opensAsHost(key.secret()));
        assertEquals("passcode-required", assertThrows(RoomException.class, () -> guarded.precheck("Alice", null, null)).code());
    }

    @Test
    void withTheLobbyOnNewcomersWaitUntilAHostLetsThemInOrTurnsThemAway() {
        room.setLobby(host, true);
        assertTrue(a.last(ServerMessage.RoomState.class).lobby());
        RecordingMailbox c = new RecordingMailbox();
        java.util.List<Seat> seated = new java.util.ArrayList<>();
        assertTrue(room.join("Carol", null, c, seated::add).isEmpty(), "Carol waits");
        c.last(ServerMessage.LobbyWaiting.class);
        ServerMessage.LobbyRequest request = h.last(ServerMessage.LobbyRequest.class);
        assertEquals("Carol", request.name());
        assertTrue(a.all(ServerMessage.LobbyRequest.class).isEmpty(), "only hosts see who waits");
        assertEquals(3, room.size());
        assertEquals("not-host", assertThrows(RoomException.class, () -> room.admitFromLobby(alice, request.id())).code());

        room.admitFromLobby(host, request.id());
        assertEquals(1, seated.size());
        assertEquals("Carol", c.last(ServerMessage.Joined.class).self().name());
        assertEquals(request.id(), h.last(ServerMessage.LobbyLeft.class).id());
        assertEquals(4, room.size());

        RecordingMailbox d = new RecordingMailbox();
        assertTrue(room.join("Dave", null, d, s -> { }).isEmpty());
        String daveId = h.last(ServerMessage.LobbyRequest.class).id();
        room.denyFromLobby(host, daveId);
        assertEquals(new ServerMessage.LobbyDenied(host.participant().id(), "Hanna"), d.dismissedWith);
        assertEquals("unknown-participant", assertThrows(RoomException.class, () -> room.admitFromLobby(host, daveId)).code());

        // a host comes straight in, and sees who waits
        RecordingMailbox e = new RecordingMailbox();
        assertTrue(room.join("Erin", null, e, s -> { }).isEmpty());
        RecordingMailbox second = new RecordingMailbox();
        assertTrue(room.join("Hanna again", key.secret(), second, s -> { }).isPresent());
        assertEquals("Erin", second.last(ServerMessage.LobbyRequest.class).name());
        room.leaveLobby(e); // Erin gave up
        assertEquals(h.last(ServerMessage.LobbyRequest.class).id(), h.last(ServerMessage.LobbyLeft.class).id());
    }

    @Test
    void turningTheLobbyOffLetsEveryoneWaitingIn() {
        room.setLobby(host, true);
        RecordingMailbox c = new RecordingMailbox();
        java.util.List<Seat> seated = new java.util.ArrayList<>();
        room.join("Carol", null, c, seated::add);
        room.setLobby(host, false);
        assertEquals(1, seated.size());
        c.last(ServerMessage.Joined.class);
        assertTrue(room.join("Dave", null, new RecordingMailbox(), s -> { }).isPresent(), "no lobby any more");
    }

    @Test
    void aHostLettingSomeoneInWhileTheMediaServerIsFullIsToldWhyAndTheyKeepWaiting() {
        RefusingMedia media = new RefusingMedia();
        media.full = true;
        room.attach(media);
        room.setLobby(host, true);
        RecordingMailbox c = new RecordingMailbox();
        java.util.List<Seat> seated = new java.util.ArrayList<>();
        room.join("Carol", null, c, seated::add);
        String carol = h.last(ServerMessage.LobbyRequest.class).id();

        assertEquals("media-server-busy", assertThrows(RoomException.class, () -> room.admitFromLobby(host, carol)).code(),
                "the host hears why");
        assertTrue(seated.isEmpty());
        assertNull(c.dismissedWith, "Carol keeps waiting");
        assertTrue(h.all(ServerMessage.LobbyLeft.class).isEmpty(), "and the hosts still see her request");
        assertEquals(3, room.size());

        media.full = false;
        room.admitFromLobby(host, carol); // the host tries again once there is room
        assertEquals(1, seated.size());
        assertEquals("Carol", c.last(ServerMessage.Joined.class).self().name());
        assertEquals(carol, h.last(ServerMessage.LobbyLeft.class).id());

        // Turning the lobby off asks for nobody in particular: whoever cannot be seated hears why, and stops waiting.
        media.full = true;
        RecordingMailbox d = new RecordingMailbox();
        room.join("Dave", null, d, s -> { });
        String dave = h.last(ServerMessage.LobbyRequest.class).id();
        room.setLobby(host, false);
        assertEquals(new ServerMessage.Error("media-server-busy", "at capacity"), d.dismissedWith);
        assertEquals(dave, h.last(ServerMessage.LobbyLeft.class).id());
        assertEquals(4, room.size());
    }

    @Test
    void someoneRemovedWhileAwayIsToldSoWhenTheirPageComesBack() {
        String token = a.last(ServerMessage.Joined.class).resumeToken();
        room.drop(alice, t0);
        room.removeParticipant(host, alice.participant().id(), t0);
        ResumeClaims claims = TOKENS.verify(token, t0).orElseThrow();
        assertEquals("removed", assertThrows(RoomException.class,
                () -> room.resume(token, new RecordingMailbox(), Optional.of(claims))).code(),
                "not resume-failed, which would have the page join again as someone new");
    }

    @Test
    void someoneMadeHostWhileAwayResumesWithTheOldTokenAndIsAHost() {
        String oldToken = a.last(ServerMessage.Joined.class).resumeToken();
        room.drop(alice, t0);
        room.makeHost(host, alice.participant().id());
        RecordingMailbox back = new RecordingMailbox();
        room.resume(oldToken, back);
        ServerMessage.Joined joined = back.last(ServerMessage.Joined.class);
        assertTrue(joined.self().host());
        assertTrue(TOKENS.verify(joined.resumeToken(), t0).orElseThrow().host(), "the page gets the token that says so");
        room.removeParticipant(host, alice.participant().id(), t0);
        assertEquals("resume-failed", assertThrows(RoomException.class, () -> room.resume(oldToken, new RecordingMailbox())).code());
        assertEquals("resume-failed", assertThrows(RoomException.class,
                () -> room.resume(joined.resumeToken(), new RecordingMailbox())).code(), "neither token works after removal");
    }

    @Test
    void aHostLetsSomeoneInFromTheLobbyEvenWhileTheRoomIsLocked() {
        room.setLobby(host, true);
        RecordingMailbox c = new RecordingMailbox();
        java.util.List<Seat> seated = new java.util.ArrayList<>();
        room.join("Carol", null, c, seated::add);
        room.lock(host, true);
        room.admitFromLobby(host, h.last(ServerMessage.LobbyRequest.class).id());
        assertEquals(1, seated.size(), "the lock keeps out newcomers, not those a host lets in");
    }

    @Test
    void whoWaitsInTheLobbyOfARoomThatEndsOrExpiresIsSentAway() {
        room.setLobby(host, true);
        RecordingMailbox c = new RecordingMailbox();
        room.join("Carol", null, c, s -> { });
        for (Seat s : java.util.List.of(host, alice, bob)) {
            room.leave(s, t0);
        }
        assertTrue(room.expire(t0.plus(TTL)));
        assertEquals("room-not-found", ((ServerMessage.Error) c.dismissedWith).error());
    }
}
