package org.palaver.signaling.control;

import java.time.Duration;

/**
 * One signaling socket as its endpoint and the heartbeat see it: a {@link Conversation} when the
 * room is served here, an {@link EdgeConnection} when another node owns the room.
 */
public interface Connection {

    void onText(String text);

    void onBinary();

    /** Any sign of life (a pong frame too). */
    void touch();

    /** The socket closed: without a goodbye the participant keeps its place for the reconnect grace. */
    void onClose();

    long idleNanos();

    /** True when the socket has been out of any room for longer than {@code limitNanos} (only where that is known). */
    boolean seatlessLongerThan(long limitNanos);

    /** No sign of life for too long: treat it as a dropped socket and close it. */
    void timedOut();

    /** Out of any room for too long. */
    void joinTimedOut(Duration limit);

    String address();

    /** This socket's own queue. */
    Outbox outbox();
}
