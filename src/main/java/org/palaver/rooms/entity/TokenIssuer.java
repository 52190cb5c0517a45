package org.palaver.rooms.entity;

/**
 * Issues the resume token a participant gets in {@code joined}. It vouches for what a room rebuilt
 * from tokens needs to know again: the participant, whether they are a host, and the room's
 * passcode and host key (either may be null).
 */
public interface TokenIssuer {

    /** {@code verified}: the name is the identity provider's; {@code membersOnly}: the room admits members only. */
    String issue(RoomId room, String participantId, String name, boolean host, Passcode passcode, HostKey hostKey,
                 boolean verified, boolean membersOnly);

    default String issue(RoomId room, String participantId, String name, boolean host, Passcode passcode, HostKey hostKey) {
        return issue(room, participantId, name, host, passcode, hostKey, false, false);
    }
}
