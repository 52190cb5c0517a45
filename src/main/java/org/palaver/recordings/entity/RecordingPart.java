package org.palaver.recordings.entity;

/**
 * One recorded file of a room, as {@code GET /api/rooms/{id}/recordings} lists it. {@code id} names
 * the file (room and start time); {@code ended} is null while it is being written; {@code url}
 * streams it (signed, so a {@code <video>} can play it without the host secret).
 */
public record RecordingPart(String id, String started, String ended, long bytes, String url) {
}
