package org.palaver.rooms.entity;

/**
 * A participant as reached through one socket. After a resume on a new socket the old seat goes
 * stale, and whatever still arrives on the old socket is refused rather than acted on.
 */
public record Seat(Room room, Participant participant, Mailbox mailbox) {
}
