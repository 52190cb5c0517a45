package org.palaver.rooms.entity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RoomIdTest {

    @Test
    void randomIdsAreUrlSafeAndCarry128Bits() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String id = RoomId.random().value();
            assertTrue(id.matches("[A-Za-z0-9_-]{22}"), id);
            seen.add(id);
        }
        assertEquals(10_000, seen.size());
    }

    @Test
    void parseRejectsAnythingNotIssued() {
        assertTrue(RoomId.parse("../../etc/passwd").isEmpty());
        assertTrue(RoomId.parse("short").isEmpty());
        assertTrue(RoomId.parse(null).isEmpty());
        String id = RoomId.random().value();
        assertEquals(id, RoomId.parse(id).orElseThrow().value());
    }
}
