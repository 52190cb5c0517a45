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
import org.palaver.rooms.entity.Mailbox;
import org.palaver.rooms.entity.RoomException;
import org.palaver.rooms.entity.Seat;
import org.palaver.signaling.entity.ServerMessage;

class RoomServiceTest {

    final Instant t0 = Instant.parse("2026-01-01T10:00:00Z");
    final RoomService service = new RoomService();

    RoomServiceTest() {
        service.meshMaxParticipants = 8;
        service.emptyTtl = Duration.ofMinutes(5);
        service.reconnectGrace = Duration.ofSeconds(15);
        service.maxRooms = 3;
        service.media = new org.palaver.media.boundary.MediaService(); // no media server: mesh rooms
        service.clock = Clock.fixed(t0, ZoneOffset.UTC);
    }

    static final Mailbox SILENT = new Mailbox() {
        @Override
        public void post(ServerMessage message) {
        }

        @Override
        public void replaced() {
        }
    };

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
