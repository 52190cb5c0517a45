package org.palaver.rooms.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.palaver.platform.LimitExceeded;
import org.palaver.rooms.control.ResumeTokens;
import org.palaver.rooms.entity.Mailbox;
import org.palaver.rooms.entity.RoomException;
import org.palaver.rooms.entity.Seat;
import org.palaver.protocol.ServerMessage;

class RoomServiceTest {

    final Instant t0 = Instant.parse("2026-01-01T10:00:00Z");
    final RoomService service = configured(3, Clock.fixed(t0, ZoneOffset.UTC));

    /** A service as these tests run it: mesh rooms of 8 (no media server), a 15 s grace, a 5 min empty TTL. */
    static RoomService configured(int maxRooms, Clock clock) {
        RoomService rooms = new RoomService();
        rooms.meshMaxParticipants = 8;
        rooms.emptyTtl = Duration.ofMinutes(5);
        rooms.reconnectGrace = Duration.ofSeconds(15);
        rooms.maxRooms = maxRooms;
        rooms.media = new org.palaver.rooms.control.MeshMedia();
        rooms.clock = clock;
        return rooms;
    }

    static final Mailbox SILENT = new Mailbox() {
        @Override
        public void post(ServerMessage message) {
        }

        @Override
        public void replaced() {
        }

        @Override
        public void moved() {
        }

        @Override
        public void dismissed(ServerMessage last) {
        }
    };

    /** Keeps the resume token of the joined it gets. */
    static final class TokenBox implements Mailbox {
        String token;
        boolean moved;

        @Override
        public void post(ServerMessage message) {
            if (message instanceof ServerMessage.Joined joined) {
                token = joined.resumeToken();
            }
        }

        @Override
        public void replaced() {
        }

        @Override
        public void moved() {
            moved = true;
        }

        @Override
        public void dismissed(ServerMessage last) {
        }
    }

    /** Another start of this server, with the same secret, the same clock and the given room limit. */
    RoomService restarted(int maxRooms) {
        RoomService next = configured(maxRooms, service.clock);
        next.media = service.media;
        next.tokens = ResumeTokens.of("one secret");
        return next;
    }

    void at(Duration later, RoomService... services) {
        for (RoomService s : services) {
            s.clock = Clock.fixed(t0.plus(later), ZoneOffset.UTC);
            s.tick();
        }
    }

    @Test
    void aRoomThatExpiredStaysGoneWhateverTokenComesBack() {
        service.tokens = ResumeTokens.of("one secret");
        String room = service.create().id();
        TokenBox bob = new TokenBox();
        service.leave(service.join(room, "Bob", bob));
        at(Duration.ofMinutes(5), service);
        assertTrue(service.find(room).isEmpty());
        assertEquals("room-not-found", assertThrows(RoomException.class, () -> service.resume(room, bob.token, SILENT)).code(),
                "a token of this start cannot rebuild a room that expired here");
        assertEquals(0, service.roomCount());
    }

    @Test
    void afterARestartLostRoomsComeBackOnceAndWithinTheRoomLimit() {
        service.tokens = ResumeTokens.of("one secret");
        String first = service.create().id();
        String second = service.create().id();
        TokenBox alice = new TokenBox();
        TokenBox bob = new TokenBox();
        TokenBox carol = new TokenBox();
        service.join(first, "Alice", alice);
        service.join(first, "Bob", bob);
        service.join(second, "Carol", carol);

        RoomService next = restarted(1);
        Seat back = next.resume(first, alice.token, SILENT);
        assertEquals("Alice", back.participant().name());
        assertEquals("too-many-rooms", assertThrows(RoomException.class, () -> next.resume(second, carol.token, SILENT)).code());
        assertEquals(1, next.roomCount());

        // The rebuilt room empties and expires: Bob's token of the earlier start does not bring it back.
        next.leave(back);
        at(Duration.ofMinutes(5), next);
        assertEquals(0, next.roomCount());
        assertEquals("room-not-found", assertThrows(RoomException.class, () -> next.resume(first, bob.token, SILENT)).code());
        assertEquals(0, next.roomCount());
    }

    @Test
    void refusesRoomsBeyondTheLimit() {
        for (int i = 0; i < 3; i++) {
            service.create();
        }
        LimitExceeded e = assertThrows(LimitExceeded.class, service::create);
        assertEquals("too-many-rooms", e.code());
        assertEquals(503, e.status());
        assertEquals(3, service.roomCount());
    }

    @Test
    void emptyRoomsAreForgottenAfterTheTtlAndOccupiedOnesStay() {
        String empty = service.create().id();
        String busy = service.create().id();
        Seat seat = service.join(busy, "Alice", SILENT);
        service.clock = Clock.fixed(t0.plus(Duration.ofMinutes(5)), ZoneOffset.UTC);
        service.tick();
        assertTrue(service.find(empty).isEmpty());
        assertTrue(service.find(busy).isPresent());
        assertEquals("room-not-found", assertThrows(RoomException.class, () -> service.join(empty, "Late", SILENT)).code());

        service.leave(seat);
        service.clock = Clock.fixed(t0.plus(Duration.ofMinutes(10)).minusSeconds(1), ZoneOffset.UTC);
        service.tick();
        assertTrue(service.find(busy).isPresent(), "the TTL counts from when the room became empty");
        service.clock = Clock.fixed(t0.plus(Duration.ofMinutes(10)), ZoneOffset.UTC);
        service.tick();
        assertEquals(0, service.roomCount());
    }
}
