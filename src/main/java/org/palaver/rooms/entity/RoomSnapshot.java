package org.palaver.rooms.entity;

import java.util.List;

/** A room as the REST API shows it: a copy, taken under the room's lock. */
public record RoomSnapshot(String id, String media, List<Member> participants, boolean passcodeRequired) {

    public record Member(String id, String name) {
    }
}
