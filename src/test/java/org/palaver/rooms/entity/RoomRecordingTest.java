package org.palaver.rooms.entity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.palaver.rooms.control.ResumeTokens;
import org.palaver.protocol.ServerMessage;

/** Recording as the room sees it: hosts only, Kurento rooms only, told to everyone, ended with the room. */
class RoomRecordingTest {

    static final Duration GRACE = Duration.ofSeconds(15);
    static final Duration TTL = Duration.ofMinutes(5);
    final Instant t0 = Instant.parse("2026-01-01T10:00:00Z");
    final HostKey.Issued key = HostKey.create();
    final List<String> media = new ArrayList<>();
    final Room room = kurentoRoom();
    final RecordingMailbox h = new RecordingMailbox();
    final RecordingMailbox a = new RecordingMailbox();
    final Seat host = room.join("Hanna", key.secret(), h);
    final Seat alice = room.join("Alice", null, a);

    private Room kurentoRoom() {
        Room r = new Room(RoomId.random(), MediaMode.KURENTO, 5, GRACE, TTL, null, key.key(), ResumeTokens.of("s"), false, t0);
        r.attach(new RoomMedia() {
            @Override
            public void joined(String participantId) {
            }

            @Override
            public void left(String participantId, boolean roomNowEmpty) {
                media.add("left " + roomNowEmpty);
            }

            @Override
            public void closed() {
                media.add("closed");
            }

            @Override
            public void recording(boolean on, String by) {
                media.add("recording " + on + " by " + by);
            }
        });
        return r;
    }

    @Test
    void aHostRecordsEveryoneIsToldAndALateJoinerSeesIt() {
        room.record(host, true);
        assertEquals(List.of("recording true by " + host.participant().id()), media);
        ServerMessage.Recording told = a.last(ServerMessage.Recording.class);
        assertTrue(told.recording());
        assertEquals("Hanna", told.name());
        room.record(host, true); // twice: nothing new
        assertEquals(1, media.size());

        RecordingMailbox late = new RecordingMailbox();
        room.join("Carol", null, late);
        assertTrue(late.last(ServerMessage.Joined.class).recording(), "a late joiner learns it from joined");

        room.record(host, false);
        assertFalse(a.last(ServerMessage.Recording.class).recording());
        assertEquals("recording false by " + host.participant().id(), media.get(media.size() - 1));
    }

    @Test
    void aNonHostCannotRecordAndAMeshRoomHasNothingToRecord() {
        assertEquals("not-host", assertThrows(RoomException.class, () -> room.record(alice, true)).code());
        assertTrue(media.isEmpty());
        assertFalse(room.recording());
        assertTrue(a.all(ServerMessage.Recording.class).isEmpty());

        Room mesh = new Room(RoomId.random(), MediaMode.MESH, 5, GRACE, TTL, null, key.key(), ResumeTokens.of("s"), false, t0);
        Seat meshHost = mesh.join("Hanna", key.secret(), new RecordingMailbox());
        assertEquals("recording-unavailable", assertThrows(RoomException.class, () -> mesh.record(meshHost, true)).code());
    }

    @Test
    void recordingEndsWhenTheLastPersonLeavesOrTheMeetingEnds() {
        room.record(host, true);
        room.leave(alice, t0);
        assertTrue(room.recording(), "one left, the host is still here");
        room.leave(host, t0);
        assertFalse(room.recording(), "the room emptied: the recording ended with its media");
        assertEquals("left true", media.get(media.size() - 1));

        Room other = kurentoRoom();
        Seat otherHost = other.join("Hanna", key.secret(), new RecordingMailbox());
        other.record(otherHost, true);
        other.endMeeting(otherHost);
        assertFalse(other.recording());
    }

    @Test
    void whenTheMediaSideCannotRecordEveryoneSeesItStop() {
        room.record(host, true);
        room.recordingStopped();
        ServerMessage.Recording stopped = a.last(ServerMessage.Recording.class);
        assertFalse(stopped.recording());
        assertNull(stopped.by());
        assertFalse(room.recording());
    }
}
