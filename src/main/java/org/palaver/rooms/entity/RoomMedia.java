package org.palaver.rooms.entity;

/**
 * What a room tells the media server side about its people (Kurento rooms; mesh rooms need
 * nothing). Rooms call it while holding their lock, so implementations only enqueue and return.
 */
public interface RoomMedia {

    RoomMedia NONE = new RoomMedia() {
        @Override
        public void joined(String participantId) {
        }

        @Override
        public void left(String participantId, boolean roomNowEmpty) {
        }

        @Override
        public void closed() {
        }
    };

    /**
     * Throws {@link RoomException} when the media side cannot take one more person into this room
     * of {@code present} people now (its media server is at capacity); otherwise counts them in, as
     * the seat is given. Reads memory only.
     */
    default void admitOneMore(int present) {
    }

    void joined(String participantId);

    /** Gone for good (left or timed out), not merely reconnecting; {@code roomNowEmpty} when it was the last one. */
    void left(String participantId, boolean roomNowEmpty);

    /** The room is closed and forgotten. */
    void closed();

    /**
     * A host ({@code by}) started or stopped recording. Stopping is also implied when the room
     * empties or closes: the media side ends the recording before it releases the room's media.
     */
    default void recording(boolean on, String by) {
    }

    /** The participant took their place back on a new socket (after {@code joined}): what the media side told them may be lost. */
    default void resumed(String participantId) {
    }

    /** The participant switched their camera on or off: a camera that is off takes no one's video slot. */
    default void camera(String participantId, boolean on) {
    }

    /** The participant's microphone was muted ({@code false}) or unmuted: only unmuted voices need mixing. */
    default void audible(String participantId, boolean audible) {
    }

    /** The participant started or stopped speaking (Kurento rooms show the cameras of the latest speakers). */
    default void speaking(String participantId, boolean speaking) {
    }

    /** The participant pinned another's camera ({@code pinnedId}), or unpinned ({@code null}): it stays in their slots. */
    default void pinned(String participantId, String pinnedId) {
    }

    /** The participant stopped sharing a screen (leaving ends it through {@link #left}). */
    default void screenEnded(String participantId) {
    }
}
