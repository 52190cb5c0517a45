package org.palaver.rooms.entity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.palaver.rooms.control.ResumeTokens;
import org.palaver.protocol.ServerMessage;

/** Members-only rooms, verified names and claiming host: what sign-in changes in a room. */
class RoomMembersTest {

    static final Duration GRACE = Duration.ofSeconds(15);
    static final Duration TTL = Duration.ofMinutes(5);
    static final ResumeTokens TOKENS = ResumeTokens.of("test secret");
    final Instant t0 = Instant.parse("2026-01-01T10:00:00Z");
    final HostKey.Issued key = HostKey.create();
    final Room room = new Room(RoomId.random(), MediaMode.MESH, 5, GRACE, TTL, null, key.key(), true, TOKENS, false, t0);

    @Test
    void inAMembersOnlyRoomAGuestWaitsForAHostWhileAMemberComesStraightIn() {
        RecordingMailbox h = new RecordingMailbox();
        Seat host = room.join("Hanna", key.secret(), h);
        RecordingMailbox m = new RecordingMailbox();
        Optional<Seat> member = room.join("Mia Member", true, null, m, s -> { });
        assertTrue(member.isPresent(), "a signed-in member comes straight in");
        assertTrue(m.last(ServerMessage.Joined.class).self().verified());

        RecordingMailbox g = new RecordingMailbox();
        List<Seat> seated = new ArrayList<>();
        assertTrue(room.join("Gus Guest", false, null, g, seated::add).isEmpty(), "a guest waits, though the lobby is off");
        g.last(ServerMessage.LobbyWaiting.class);
        ServerMessage.LobbyRequest request = h.last(ServerMessage.LobbyRequest.class);
        assertEquals("Gus Guest", request.name());
        assertEquals(2, room.size());

        room.admitFromLobby(host, request.id());
        assertEquals(1, seated.size());
        assertFalse(g.last(ServerMessage.Joined.class).self().verified(), "a guest's name is never shown as verified");
        assertTrue(g.last(ServerMessage.Joined.class).participants().stream()
                .filter(p -> p.name().equals("Mia Member")).findFirst().orElseThrow().verified(), "others see the member's mark");
        assertEquals(3, room.size());
    }

    @Test
    void anOpenRoomLetsGuestsInAndStillMarksMembers() {
        Room open = new Room(RoomId.random(), MediaMode.MESH, 5, GRACE, TTL, null, key.key(), false, TOKENS, false, t0);
        assertTrue(open.join("Gus Guest", false, null, new RecordingMailbox(), s -> { }).isPresent());
        RecordingMailbox m = new RecordingMailbox();
        open.join("Mia Member", true, null, m, s -> { });
        assertTrue(m.last(ServerMessage.Joined.class).self().verified());
    }

    @Test
    void aMemberClaimsHostOnlyWhenNoHostIsInTheRoomAndAGuestNever() {
        Room open = new Room(RoomId.random(), MediaMode.MESH, 5, GRACE, TTL, null, key.key(), false, TOKENS, false, t0);
        RecordingMailbox h = new RecordingMailbox();
        Seat host = open.join("Hanna", key.secret(), h);
        RecordingMailbox m = new RecordingMailbox();
        Seat member = open.join("Mia Member", true, null, m, s -> { }).orElseThrow();
        RecordingMailbox g = new RecordingMailbox();
        Seat guest = open.join("Gus Guest", false, null, g, s -> { }).orElseThrow();

        assertEquals("host-present", assertThrows(RoomException.class, () -> open.claimHost(member)).code());
        open.leave(host, t0);
        assertEquals("not-member", assertThrows(RoomException.class, () -> open.claimHost(guest)).code());
        assertTrue(g.all(ServerMessage.HostChanged.class).isEmpty(), "a refused claim changes nothing");

        open.claimHost(member);
        ServerMessage.HostChanged own = m.last(ServerMessage.HostChanged.class);
        assertTrue(own.host());
        assertTrue(TOKENS.verify(own.resumeToken(), t0).orElseThrow().host(), "the new token says host, so a rebuilt room knows");
        assertEquals(member.participant().id(), g.last(ServerMessage.HostChanged.class).id());
        open.lock(member, true); // and may now use the host controls
        assertTrue(g.last(ServerMessage.RoomState.class).locked());
    }

    @Test
    void tokensCarryTheVerifiedMarkAndMembersOnlySoARebuiltRoomKeepsBoth() {
        RecordingMailbox m = new RecordingMailbox();
        room.join("Mia Member", true, null, m, s -> { });
        String token = m.last(ServerMessage.Joined.class).resumeToken();
        ResumeTokens restarted = ResumeTokens.of("test secret");
        ResumeClaims claims = restarted.verify(token, t0).orElseThrow();
        assertTrue(claims.verified());
        assertTrue(claims.membersOnly());

        Room rebuilt = new Room(room.id(), MediaMode.MESH, 5, GRACE, TTL, claims.passcode(), claims.hostKey(), claims.membersOnly(),
                restarted, true, t0);
        RecordingMailbox again = new RecordingMailbox();
        rebuilt.resume(token, again, Optional.of(claims));
        assertTrue(again.last(ServerMessage.Joined.class).self().verified(), "the mark survives the restart");
        assertTrue(rebuilt.membersOnly());
        assertTrue(rebuilt.join("Gus Guest", false, null, new RecordingMailbox(), s -> { }).isEmpty(),
                "the rebuilt room still keeps guests in the lobby");
    }
}
