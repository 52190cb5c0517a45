package org.palaver.rooms.entity;

/**
 * A room just made, with the secret of its host link: handed out once, to whoever made the room,
 * and never stored (the room keeps its hash only).
 */
public record CreatedRoom(RoomSnapshot room, String hostSecret) {

    public String id() {
        return room.id();
    }
}
