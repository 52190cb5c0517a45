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
    private final RoomClaims rooms = new RoomClaims(map, json);

    @AfterEach
    void close() throws Exception {
        json.close();
    }

    @Test
    void theFirstClaimWinsAndOthersLearnTheOwner() {
        assertEquals(new RoomEntry("a", "ws://kms1/kurento", "kurento", 1), rooms.claim("r1", "a", "ws://kms1/kurento", "kurento"));
        assertEquals(new RoomEntry("a", "ws://kms1/kurento", "kurento", 1), rooms.claim("r1", "b", "ws://kms2/kurento", "kurento"));
        assertEquals(new RoomEntry("b", null, "mesh", 1), rooms.claim("r2", "b", null, "mesh"));
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
                        return rooms.claim(room, id, null, "mesh");
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
        rooms.claim("r1", "a", null, "mesh");
        rooms.claim("r2", "b", "ws://kms1/kurento", "kurento");
        rooms.claim("r3", "dead", "ws://kms1/kurento", "kurento");

        assertEquals(2, rooms.releaseOrphans(Set.of("a")));
        assertEquals(0, rooms.releaseOrphans(Set.of("a")), "released once");
        assertEquals(new RoomEntry("a", null, "mesh", 1), json.fromJson(map.get("r1"), RoomEntry.class));
        RoomEntry released = json.fromJson(map.get("r2"), RoomEntry.class);
        assertTrue(released.released());
        assertEquals(new RoomEntry(null, "ws://kms1/kurento", "kurento", 1), released, "kept for whoever rebuilds it");

        assertEquals(new RoomEntry("a", "ws://kms2/kurento", "kurento", 2), rooms.claim("r2", "a", "ws://kms2/kurento", "kurento"));
        assertEquals(new RoomEntry("a", "ws://kms2/kurento", "kurento", 2), rooms.claim("r2", "c", null, "mesh"));
    }

    @Test
    void onlyTheOwnerForgetsARoom() {
        rooms.claim("r1", "a", null, "mesh");
        assertFalse(rooms.forget("r1", "b"));
        assertFalse(rooms.forget("nope", "a"));
        assertTrue(rooms.forget("r1", "a"));
        assertNull(map.get("r1"));
    }
}
