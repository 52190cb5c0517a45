package org.palaver.rooms.entity;

import org.palaver.protocol.ServerMessage;

/**
 * Where a connected participant's messages go. Implementations queue and return at once: rooms call
 * {@link #post} while holding their lock, so it must never block or do I/O.
 */
public interface Mailbox {

    void post(ServerMessage message);

    /** The participant resumed on another socket: end this one, later and on another thread. */
    void replaced();

    /**
     * The room left this node (it drains): end this socket, later and on another thread, so that
     * the page reconnects and resumes where the room is rebuilt.
     */
    void moved();

    /**
     * The participant is out for good (a host removed them, or ended the meeting): send
     * {@code last} after what is queued, then end this socket so that the page does not reconnect.
     */
    void dismissed(ServerMessage last);
}
