package org.palaver.signaling.control;

import jakarta.websocket.CloseReason;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.palaver.cluster.entity.Envelope;
import org.palaver.protocol.ServerMessage;

/**
 * A signaling socket on this node for a room another node owns. What a socket costs this node is
 * checked here (size, rate, heartbeat, connection limits in {@link Conversations}); every frame
 * that passes goes to the owner undecoded, in order, where a {@link Conversation} handles it as
 * for a socket of its own, and the owner's encoded messages come back to {@link #outbox}. So
 * identity, room rules and passcode throttling stay with the one node that holds the room.
 */
final class EdgeConnection implements Connection {

    private final String id;
    private final String owner;
    private final String address;
    private final Outbox outbox;
    private final Flood flood;
    private final Relay relay;
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile long lastSeenNanos = System.nanoTime();

    EdgeConnection(String id, String owner, String address, Outbox outbox, Flood flood, Relay relay) {
        this.id = id;
        this.owner = owner;
        this.address = address;
        this.outbox = outbox;
        this.flood = flood;
        this.relay = relay;
    }

    String id() {
        return id;
    }

    String owner() {
        return owner;
    }

    @Override
    public void onText(String text) {
        touch();
        if (!withinRate()) {
            return;
        }
        try {
            MessageCodec.checkSize(text); // never ship what the owner would refuse unread
        } catch (ProtocolException e) {
            outbox.post(new ServerMessage.Error(e.code(), e.getMessage()));
            return;
        }
        relay.send(owner, Envelope.in(id, text));
    }

    @Override
    public void onBinary() {
        touch();
        if (withinRate()) {
            outbox.post(MessageCodec.BINARY_REFUSED);
        }
    }

    private boolean withinRate() {
        return flood.admit(outbox::post);
    }

    @Override
    public void touch() {
        lastSeenNanos = System.nanoTime();
    }

    /** The socket is gone: the owner drops the participant (who keeps the place for the reconnect grace). */
    @Override
    public void onClose() {
        if (ended.compareAndSet(false, true)) {
            relay.forget(this);
            relay.send(owner, Envelope.bye(id));
        }
    }

    @Override
    public long idleNanos() {
        return System.nanoTime() - lastSeenNanos;
    }

    /** The owner knows whether this socket is in the room, and closes it when it stays out too long. */
    @Override
    public boolean seatlessLongerThan(long limitNanos) {
        return false;
    }

    @Override
    public void timedOut() {
        onClose();
        outbox.close(Outbox.TIMED_OUT);
    }

    @Override
    public void joinTimedOut(Duration limit) {
        timedOut(); // never called: see seatlessLongerThan
    }

    @Override
    public String address() {
        return address;
    }

    @Override
    public Outbox outbox() {
        return outbox;
    }

    /** A message the owner encoded for this socket. */
    void out(String text) {
        outbox.postEncoded(text);
    }

    /**
     * The owner closes this socket (replaced, too slow, no join in time), after what it sent
     * before. The container then reports the close, and the bye lets the owner forget it.
     */
    void end(int code, String reason) {
        outbox.closeAfterQueued(new CloseReason(CloseReason.CloseCodes.getCloseCode(code), reason));
    }

    /** This node drains: the owner keeps the participant's place; the page reconnects through another node. */
    void moved() {
        if (ended.compareAndSet(false, true)) {
            relay.forget(this);
            relay.send(owner, Envelope.bye(id));
            outbox.finish(Outbox.NODE_DRAINING, Outbox.ROOM_MOVING);
        }
    }

    /** The owner's node left the cluster: the page reconnects and resumes, through whichever node. */
    void ownerGone() {
        if (ended.compareAndSet(false, true)) {
            outbox.finish(new ServerMessage.Error("owner-unavailable",
                    "The server holding this room went away; reconnecting."), Outbox.OWNER_GONE);
        }
    }
}
