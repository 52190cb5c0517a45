package org.palaver.rooms.entity;

import java.time.Instant;

/** What a signed resume token vouches for; enough to rebuild a seat after a server restart. */
public record ResumeClaims(RoomId room, String participantId, String name, Passcode passcode, Instant issuedAt) {
}
