package org.palaver.cluster.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.palaver.cluster.entity.RoomEntry;

class RoomClaimsTest {

    private final Jsonb json = JsonbBuilder.create();
    private final ConcurrentMap<String, String> map = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, String> ended = new ConcurrentHashMap<>();
    private final RoomClaims rooms = new RoomClaims(map, ended, json);
    private static final Set<String> ALL = Set.of("a", "b", "c");
    private static final java.time.Instant T0 = java.time.Instant.parse("2026-01-01T10:00:00Z");
    private static final Set<String> EIGHT = java.util.stream.IntStream.range(0, 8).mapToObj(n -> "node-" + n)
            .collect(java.util.stream.Collectors.toSet());

    private RoomEntry claim(String room, String node, String mediaServer, String mode) {
        return rooms.claim(room, node, mediaServer, mode, () -> ALL).orElseThrow();
    }

    @AfterEach
    void close() throws Exception {
        json.close();
    }

    @Test
    void theFirstClaimWinsAndOthersLearnTheOwner() {
        assertEquals(new RoomEntry("a", "ws://kms1/kurento", "kurento", 1, null), claim("r1", "a", "ws://kms1/kurento", "kurento"));
        assertEquals(new RoomEntry("a", "ws://kms1/kurento", "kurento", 1, null), claim("r1", "b", "ws://kms2/kurento", "kurento"));
        assertEquals(new RoomEntry("b", null, "mesh", 1, null), claim("r2", "b", null, "mesh"));
        // stored as plain JSON text, never an application class
        assertEquals("{\"epoch\":1,\"mode\":\"mesh\",\"owner\":\"b\"}", map.get("r2"));
    }

    @Test
    void concurrentClaimsAgreeOnOneOwner() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (int round = 0; round < 200; round++) {
                String room = "room-" + round;
                CountDownLatch go = new CountDownLatch(1);
                List<Future<RoomEntry>> results = new ArrayList<>();
                for (int node = 0; node < 8; node++) {
                    String id = "node-" + node;
                    results.add(pool.submit(() -> {
                        go.await();
                        return rooms.claim(room, id, null, "mesh", () -> EIGHT).orElseThrow();
                    }));
                }
                go.countDown();
                RoomEntry first = results.get(0).get();
                for (Future<RoomEntry> result : results) {
                    assertEquals(first, result.get());
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void roomsOfDepartedNodesAreReleasedAndTakenOverWithTheNextEpoch() {
        claim("r1", "a", null, "mesh");
        claim("r2", "b", "ws://kms1/kurento", "kurento");
        claim("r3", "dead", "ws://kms1/kurento", "kurento");

        assertEquals(2, rooms.releaseOrphans(Set.of("a"), T0));
        assertEquals(0, rooms.releaseOrphans(Set.of("a"), T0), "released once");
        assertEquals(new RoomEntry("a", null, "mesh", 1, null), json.fromJson(map.get("r1"), RoomEntry.class));
        RoomEntry released = json.fromJson(map.get("r2"), RoomEntry.class);
        assertTrue(released.released());
        assertEquals(new RoomEntry(null, "ws://kms1/kurento", "kurento", 1, T0.toEpochMilli()), released, "kept for whoever rebuilds it");

        assertEquals(new RoomEntry("a", "ws://kms2/kurento", "kurento", 2, null), claim("r2", "a", "ws://kms2/kurento", "kurento"));
        assertEquals(new RoomEntry("a", "ws://kms2/kurento", "kurento", 2, null), claim("r2", "c", null, "mesh"));
    }

    @Test
    void onlyTheOwnerForgetsARoom() {
        claim("r1", "a", null, "mesh");
        assertFalse(rooms.forget("r1", "b"));
        assertFalse(rooms.forget("nope", "a"));
        assertTrue(rooms.forget("r1", "a"));
        assertNull(map.get("r1"));
    }

    @Test
    void aRoomWhoseOwnerLeftIsTakenOverBeforeAnyoneReleasedIt() {
        claim("r1", "a", null, "mesh");
        assertEquals(new RoomEntry("b", null, "mesh", 2, null), rooms.claim("r1", "b", null, "mesh", () -> Set.of("b", "c")).orElseThrow(),
                "a is not among the live nodes: b takes the room over with the next epoch");
        assertEquals(new RoomEntry("b", null, "mesh", 2, null), rooms.claim("r1", "c", null, "mesh", () -> Set.of("b", "c")).orElseThrow(),
                "c, a moment later, learns that b has it now");
        assertEquals(0, rooms.releaseOrphans(Set.of("b", "c"), T0), "nothing left to release");
    }

    @Test
    void aKurentoRoomTakenOverKeepsItsMediaServerUnlessTheNewOwnerNamesAnother() {
        claim("r1", "a", "ws://kms-1/kurento", "kurento");
        assertEquals(new RoomEntry("b", "ws://kms-1/kurento", "kurento", 2, null),
                rooms.claim("r1", "b", null, "kurento", () -> Set.of("b")).orElseThrow(),
                "the new owner learns where the room's pipeline was, to rebuild it there");
        assertEquals(new RoomEntry("c", "ws://kms-2/kurento", "kurento", 3, null),
                rooms.claim("r1", "c", "ws://kms-2/kurento", "kurento", () -> Set.of("c")).orElseThrow());
    }

    @Test
    void aRoomThatEndedIsNeverClaimedAgain() {
        claim("r1", "a", null, "mesh");
        assertTrue(rooms.forget("r1", "a"));
        assertTrue(ended.containsKey("r1"), "remembered as ended");
        assertTrue(rooms.claim("r1", "b", null, "mesh", () -> ALL).isEmpty(), "a token of the ended room cannot bring it back");
        assertTrue(rooms.claim("r1", "b", null, "mesh", () -> Set.of("b")).isEmpty(), "not even once its node is gone");
        assertTrue(rooms.entry("r1").isEmpty());
    }

    @Test
    void aRoomTakenOverIsNotEndedByItsFormerOwner() {
        claim("r1", "a", null, "mesh");
        rooms.claim("r1", "b", null, "mesh", () -> Set.of("b"));
        assertFalse(rooms.forget("r1", "a"), "a thought it had the room; b has it now");
        assertFalse(ended.containsKey("r1"));
        assertEquals("b", rooms.entry("r1").orElseThrow().owner());
    }

    @Test
    void releasedRoomsNobodyCameBackForAreEndedAfterAWhile() {
        claim("r1", "a", null, "mesh");
        claim("r2", "a", null, "mesh");
        claim("r3", "b", null, "mesh");
        assertTrue(rooms.release("r1", "a", T0), "a drains");
        assertFalse(rooms.release("r3", "a", T0), "never another node's room");
        rooms.releaseOrphans(Set.of("b"), T0.plusSeconds(300)); // then a died: r2 released later
        assertEquals(0, rooms.endReleasedBefore(T0), "nothing released before then");
        assertEquals(1, rooms.endReleasedBefore(T0.plusSeconds(1)));
        assertTrue(rooms.entry("r1").isEmpty());
        assertTrue(rooms.claim("r1", "b", null, "mesh", () -> ALL).isEmpty(), "ended: no token brings it back");
        assertTrue(rooms.entry("r2").orElseThrow().released(), "released later: still waiting for its pages");
        assertEquals("b", rooms.entry("r3").orElseThrow().owner());
    }
}
