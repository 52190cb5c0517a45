package org.palaver.rooms.entity;

import java.util.List;

/**
 * A room as the REST API shows it: a copy, taken under the room's lock. {@code mediaFallback}
 * says why a room is in mesh mode although a media server is configured (null otherwise, and
 * then left out of the JSON). {@code membersOnly}: only people signed in with the company's
 * provider come straight in; guests wait for a host.
 */
public record RoomSnapshot(String id, String media, List<Member> participants, boolean passcodeRequired,
                           boolean membersOnly, String mediaFallback) {

    public record Member(String id, String name) {
    }

    public RoomSnapshot withMediaFallback(String reason) {
        return new RoomSnapshot(id, media, participants, passcodeRequired, membersOnly, reason);
    }
}
