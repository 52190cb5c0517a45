package org.palaver.signaling.entity;

/**
 * A participant as others see it. {@code connection} is {@code connected} or {@code reconnecting};
 * {@code handRaised} until they lower it or leave.
 */
public record ParticipantInfo(String id, String name, boolean audioMuted, boolean videoMuted, String connection,
                              boolean handRaised) {
}
