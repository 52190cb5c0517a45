package org.palaver.signaling.control;

import jakarta.websocket.CloseReason;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.palaver.cluster.entity.Envelope;
import org.palaver.protocol.ServerMessage;

/**
 * On the room's owner: the way to a socket on another node (its edge). Rooms post under their
 * lock, so {@link #post} only enqueues; a drain task encodes each message once and sends it to
 * the edge, one at a time, so the edge gets them in the order the room posted them. Like
 * {@link Outbox}, a socket that falls {@value #LIMIT} messages behind is closed (it may resume).
 */
final class RemoteLink implements Link {

    static final int LIMIT = 256;

    private final String edge;
    private final String id;
    private final MessageCodec codec;
    private final Executor executor;
    private final BiConsumer<String, Envelope> send;
    private final Queue<Object> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();

    RemoteLink(String edge, String id, MessageCodec codec, Executor executor, BiConsumer<String, Envelope> send) {
        this.edge = edge;
        this.id = id;
        this.codec = codec;
        this.executor = executor;
        this.send = send;
    }

    String edge() {
        return edge;
    }

    String id() {
        return id;
    }

    @Override
    public void post(ServerMessage message) {
        enqueue(message);
    }

    @Override
    public void replaced() {
        close(Outbox.REPLACED);
    }

    @Override
    public void moved() {
        finish(Outbox.NODE_DRAINING, Outbox.ROOM_MOVING);
    }

    @Override
    public void dismissed(ServerMessage last) {
        finish(last, Outbox.DISMISSED);
    }

    @Override
    public void close(CloseReason reason) {
        if (closed.compareAndSet(false, true)) {
            queue.clear();
            queue.add(reason);
            startDrain();
        }
    }

    @Override
    public void finish(ServerMessage last, CloseReason reason) {
        enqueue(last);
        if (closed.compareAndSet(false, true)) {
            queue.add(reason);
            startDrain();
        }
    }

    private void enqueue(ServerMessage message) {
        if (closed.get()) {
            return;
        }
        if (queued.incrementAndGet() > LIMIT) {
            close(Outbox.TOO_SLOW);
            return;
        }
        queue.add(message);
        startDrain();
    }

    /** Retries a drain an overloaded executor refused; the heartbeat calls it. */
    void kick() {
        if (!queue.isEmpty()) {
            startDrain();
        }
    }

    private void startDrain() {
        if (draining.compareAndSet(false, true)) {
            try {
                executor.execute(this::drain);
            } catch (RejectedExecutionException overloaded) {
                draining.set(false); // posts come under room locks: never throw; kick() tries again
            }
        }
    }

    private void drain() {
        while (true) {
            Object item = queue.poll();
            if (item == null) {
                draining.set(false);
                // a post may have slipped in between poll() and set(false)
                if (queue.isEmpty() || !draining.compareAndSet(false, true)) {
                    return;
                }
                continue;
            }
            if (item instanceof CloseReason reason) {
                send.accept(edge, Envelope.end(id, reason.getCloseCode().getCode(), reason.getReasonPhrase()));
            } else {
                queued.decrementAndGet();
                send.accept(edge, Envelope.out(id, codec.encode((ServerMessage) item)));
            }
        }
    }
}
