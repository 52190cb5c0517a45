package org.palaver.media.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.palaver.protocol.IceCandidate;
import org.palaver.protocol.ServerMessage;

/** What SfuRoom keeps for candidates that arrive before their endpoint: no media server needed for that. */
class SfuRoomTest {

    final List<ServerMessage> toAlice = new ArrayList<>();
    final SfuRoom room = new SfuRoom("r", new SfuRoom.People() {
        @Override
        public void deliver(String participantId, ServerMessage message) {
            if (participantId.equals("alice")) {
                toAlice.add(message);
            }
        }

        @Override
        public void deliverToAll(ServerMessage message) {
        }

        @Override
        public boolean isPresent(String participantId) {
            return Set.of("alice", "bob").contains(participantId);
        }

        @Override
        public boolean isEmpty() {
            return false;
        }
    }, () -> null, java.util.Map::of, Runnable::run);

    @Test
    void candidatesForMadeUpStreamsAreRefusedNotKept() {
        IceCandidate big = new IceCandidate("candidate:" + "x".repeat(60_000), "0", 0, null);
        for (int i = 0; i < 6000; i++) {
            room.candidate("alice", "made-up-" + i, big);
        }
        assertEquals(0, room.pendingCount());
        assertEquals(6000, toAlice.size());
        assertTrue(toAlice.stream().allMatch(m -> m instanceof ServerMessage.Error e && e.error().equals("unknown-stream")), toAlice.get(0).toString());
    }

    @Test
    void earlyCandidatesOfRealStreamsAreKeptWithinACountAndByteBoundPerParticipant() {
        IceCandidate small = new IceCandidate("candidate:1 1 udp 2122260223 192.0.2.1 50000 typ host", "0", 0, "abcd");
        for (String stream : List.of("alice", "alice~screen", "~mix", "~slot0", "bob~screen")) {
            for (int i = 0; i < 100; i++) {
                room.candidate("alice", stream, small);
            }
        }
        assertEquals(SfuRoom.PENDING_LIMIT, room.pendingCount(), "count bound over all of alice's connections");

        IceCandidate big = new IceCandidate("candidate:" + "x".repeat(10_000), "0", 0, null);
        for (int i = 0; i < 10; i++) {
            room.candidate("bob", "~slot1", big);
        }
        assertEquals(SfuRoom.PENDING_LIMIT + 3, room.pendingCount(), "byte bound for bob: three of 10 KB fit in 32 KiB");
        assertTrue(toAlice.isEmpty(), "real streams are not refused: " + toAlice);
    }

    @Test
    void candidatesForAnothersCameraAreRefusedItComesInASlot() {
        room.candidate("alice", "bob", new IceCandidate("candidate:1 1 udp 2122260223 192.0.2.1 50000 typ host", "0", 0, null));
        assertEquals(0, room.pendingCount());
        assertTrue(toAlice.get(0) instanceof ServerMessage.Error e && e.error().equals("unknown-stream"), toAlice.toString());
    }
}
