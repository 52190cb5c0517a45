package org.palaver.rooms.entity;

import java.time.Instant;

/**
 * What a signed resume token vouches for; enough to rebuild a seat after a server restart.
 * {@code earlierStart}: the token was issued before this server started, so its room may have
 * been lost by the restart (a token of this start never rebuilds a room).
 */
public record ResumeClaims(RoomId room, String participantId, String name, Passcode passcode, Instant issuedAt,
                           boolean earlierStart) {
}
