package org.palaver.protocol;

/**
 * A participant as others see it. {@code connection} is {@code connected} or {@code reconnecting};
 * {@code handRaised} until they lower it or leave; {@code screenStreamId} names the MediaStream of
 * their shared screen while they share one (null, and left out of the JSON, otherwise);
 * {@code host} when they may use the host controls; {@code verified} when their name is the one
 * the company's identity provider gave them.
 */
public record ParticipantInfo(String id, String name, boolean audioMuted, boolean videoMuted, String connection,
                              boolean handRaised, String screenStreamId, boolean host,
                              boolean verified) {
}
