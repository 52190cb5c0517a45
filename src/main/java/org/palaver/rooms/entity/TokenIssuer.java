package org.palaver.rooms.entity;

/** Issues the resume token a participant gets in {@code joined}. */
public interface TokenIssuer {

    String issue(RoomId room, String participantId, String name, Passcode passcode);
}
