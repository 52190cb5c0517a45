package org.palaver.bench.baseline;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.websocket.Session;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** Benchmark baseline only (never in the shipped WAR): sessions by room path, nothing else. */
@ApplicationScoped
public class BareRooms {

    private final ConcurrentMap<String, Set<Session>> rooms = new ConcurrentHashMap<>();

    int join(String room, Session session) {
        Set<Session> members = rooms.computeIfAbsent(room, r -> ConcurrentHashMap.newKeySet());
        members.add(session);
        return members.size();
    }

    Set<Session> members(String room) {
        return rooms.getOrDefault(room, Set.of());
    }

    void leave(String room, Session session) {
        rooms.computeIfPresent(room, (r, members) -> {
            members.remove(session);
            return members.isEmpty() ? null : members;
        });
    }
}
