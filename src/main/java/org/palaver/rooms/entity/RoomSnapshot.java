package org.palaver.rooms.entity;

import java.util.List;

/**
 * A room as the REST API shows it: a copy, taken under the room's lock. {@code mediaFallback}
 * says why a room is in mesh mode although a media server is configured (null otherwise, and
 * then left out of the JSON).
 */
public record RoomSnapshot(String id, String media, List<Member> participants, boolean passcodeRequired,
                           String mediaFallback) {

    public record Member(String id, String name) {
    }

    public RoomSnapshot withMediaFallback(String reason) {
        return new RoomSnapshot(id, media, participants, passcodeRequired, reason);
    }
}
