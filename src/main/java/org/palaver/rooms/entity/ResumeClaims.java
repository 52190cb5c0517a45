package org.palaver.rooms.entity;

import java.time.Instant;

/**
 * What a signed resume token vouches for; enough to rebuild a seat after a server restart (or on
 * another node), host role included. {@code hostKey} is null for rooms made before hosts existed.
 * {@code earlierStart}: the token was issued before this server started, so its room may have
 * been lost by the restart (a token of this start never rebuilds a room). {@code verified}: the
 * name is the identity provider's; {@code membersOnly}: the room lets in members only.
 */
public record ResumeClaims(RoomId room, String participantId, String name, boolean host, Passcode passcode,
                           HostKey hostKey, Instant issuedAt, boolean earlierStart, boolean verified,
                           boolean membersOnly) {
}
