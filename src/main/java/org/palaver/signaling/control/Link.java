package org.palaver.signaling.control;

import jakarta.websocket.CloseReason;
import org.palaver.rooms.entity.Mailbox;
import org.palaver.protocol.ServerMessage;

/**
 * Where a {@link Conversation} sends: the socket's own {@link Outbox}, or, for a socket that
 * reached another node, a {@link RemoteLink} to that node. Like {@link Mailbox#post}, every method
 * only enqueues: rooms call them under their lock.
 */
interface Link extends Mailbox {

    /** Closes at once; what is still queued is dropped. */
    void close(CloseReason reason);

    /** Sends {@code last} after what is queued, then closes, so the client learns why. */
    void finish(ServerMessage last, CloseReason reason);
}
