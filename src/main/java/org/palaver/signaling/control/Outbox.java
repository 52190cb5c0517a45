package org.palaver.signaling.control;

import jakarta.websocket.CloseReason;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.palaver.protocol.ServerMessage;

/**
 * One socket's outgoing queue. {@link #post} only enqueues, so rooms can call it under their lock;
 * a drain task on the executor writes one frame at a time with the async remote. A peer that
 * falls {@value #LIMIT} messages behind, or whose writes take longer than the send timeout, is
 * disconnected (it may resume) instead of stalling its room.
 */
public final class Outbox implements Link {

    static final int LIMIT = 256;
    static final long SEND_TIMEOUT_MILLIS = 10_000;
    public static final CloseReason REPLACED = new CloseReason(() -> 4001, "replaced by a newer connection");
    public static final CloseReason TOO_SLOW = new CloseReason(() -> 4002, "too slow to receive");
    public static final CloseReason TIMED_OUT = new CloseReason(() -> 4003, "no heartbeat");
    public static final CloseReason JOIN_TIMEOUT = new CloseReason(() -> 4004, "no join in time");
    /** Removed by a host, or the meeting ended: the page must not reconnect. */
    public static final CloseReason DISMISSED = new CloseReason(() -> 4005, "dismissed by a host");
    /** The node that holds the room is gone: the page reconnects and resumes (1013, try again later). */
    public static final CloseReason OWNER_GONE = new CloseReason(CloseReason.CloseCodes.TRY_AGAIN_LATER, "the room's node went away");
    /** What a socket of a room that leaves a draining node is told before it is closed. */
    static final ServerMessage.Error NODE_DRAINING = new ServerMessage.Error("node-draining",
            "This server is being taken out of service; reconnecting to another.");
    /** Another node holds the room now, or this one is not in the cluster yet: reconnect and resume (1013). */
    public static final CloseReason ROOM_MOVING = new CloseReason(CloseReason.CloseCodes.TRY_AGAIN_LATER, "the room is on another node");

    private static final Logger LOG = Logger.getLogger(Outbox.class.getName());
    private static final Object PING = new Object();

    private final Session session;
    private final MessageCodec codec;
    private final Executor executor;
    private final Queue<Object> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean closeScheduled = new AtomicBoolean();
    private volatile CloseReason closeReason;
    /** The thread inside sendText right now, to tell an inline completion from a later one. */
    private volatile Thread writer;
    private volatile boolean completedInline;
    /** Set once the container reported the socket closed; see {@link #closedByContainer()}. */
    private volatile boolean gone;
    /** Threads inside a write to this socket, with how deeply (a write may complete into the next). */
    private final ConcurrentHashMap<Thread, Integer> writers = new ConcurrentHashMap<>();
    /** Frames handed to the container whose completion has not been reported yet. */
    private final AtomicInteger unfinished = new AtomicInteger();

    public Outbox(Session session, MessageCodec codec, Executor executor) {
        this.session = session;
        this.codec = codec;
        this.executor = executor;
        session.getAsyncRemote().setSendTimeout(SEND_TIMEOUT_MILLIS);
    }

    @Override
    public void post(ServerMessage message) {
        enqueue(message);
    }

    /**
     * A message another node encoded already (the room's owner, for a socket that reached this
     * node): written as it is, never decoded here.
     */
    public void postEncoded(String text) {
        enqueue(text);
    }

    /** Closes after what is queued has been written (another node's close, in order with its messages). */
    public void closeAfterQueued(CloseReason reason) {
        enqueue(new Closing(reason));
    }

    /** A WebSocket ping frame, sent in turn with the messages so writes never overlap. */
    void ping() {
        enqueue(PING);
    }

    @Override
    public void replaced() {
        close(REPLACED);
    }

    @Override
    public void moved() {
        finish(NODE_DRAINING, ROOM_MOVING);
    }

    @Override
    public void dismissed(ServerMessage last) {
        finish(last, DISMISSED);
    }

    @Override
    public void close(CloseReason reason) {
        if (closed.compareAndSet(false, true)) {
            queue.clear();
            closeReason = reason;
            scheduleClose();
        }
    }

    @Override
    public void finish(ServerMessage last, CloseReason reason) {
        enqueue(last);
        enqueue(new Closing(reason));
    }

    private record Closing(CloseReason reason) {
    }

    /**
     * The container reported the socket closed. Payara hands the connection's response object to
     * the next HTTP request on that thread right after this returns, and Tyrus would still write
     * into it: a frame sent later could land in another client's response. So no write starts
     * after this, and one under way finishes first (bounded, in case it never does).
     */
    void closedByContainer() {
        gone = true;
        closed.set(true);
        queue.clear();
        // The container may call this from inside a write of ours (a close we sent): wait for others only.
        Thread self = Thread.currentThread();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        while ((writers.keySet().stream().anyMatch(writer -> writer != self)
                || unfinished.get() > 0 && !writers.containsKey(self)) && System.nanoTime() < deadline) {
            LockSupport.parkNanos(50_000);
        }
    }

    /** Marks the current thread as writing, unless the socket is gone; pair with {@link #endWrite()}. */
    private boolean beginWrite() {
        writers.merge(Thread.currentThread(), 1, Integer::sum);
        if (gone) {
            endWrite();
            return false;
        }
        return true;
    }

    private void endWrite() {
        writers.computeIfPresent(Thread.currentThread(), (thread, depth) -> depth == 1 ? null : depth - 1);
    }

    /**
     * Retries what an overloaded executor refused: a stalled drain or a pending close. The
     * heartbeat calls it for every socket, so nothing stays stuck longer than one interval.
     */
    void kick() {
        if (closed.get()) {
            scheduleClose();
        } else if (!queue.isEmpty() && draining.compareAndSet(false, true)) {
            scheduleDrain();
        }
    }

    private void scheduleClose() {
        if (!closeScheduled.compareAndSet(false, true)) {
            return;
        }
        try {
            executor.execute(() -> {
                if (!beginWrite()) {
                    return; // closed already, and a close frame now could reach someone else
                }
                try {
                    session.close(closeReason);
                } catch (IOException | RuntimeException e) {
                    LOG.log(Level.FINE, "closing a signaling socket failed", e);
                } finally {
                    endWrite();
                }
            });
        } catch (RejectedExecutionException overloaded) {
            closeScheduled.set(false); // kick() tries again
        }
    }

    private void scheduleDrain() {
        try {
            executor.execute(this::sendNext);
        } catch (RejectedExecutionException overloaded) {
            // Rooms call post() under their lock, so this must not throw; the queue keeps the
            // messages and the next post() or kick() tries again.
            draining.set(false);
        }
    }

    private void enqueue(Object item) {
        if (closed.get()) {
            return;
        }
        if (queued.incrementAndGet() > LIMIT) {
            LOG.info(() -> "disconnecting a signaling socket that fell " + LIMIT + " messages behind");
            close(TOO_SLOW);
            return;
        }
        queue.add(item);
        if (draining.compareAndSet(false, true)) {
            scheduleDrain();
        }
    }

    /**
     * Writes queued frames one at a time. When a write completes inside sendText (the container
     * often does), the loop goes on here; when it completes later, {@link #sent} goes on from the
     * completion thread. Either way no executor task per message: submitting one costs more than
     * the write (Payara's managed executor looks up its context providers on every submission).
     */
    private void sendNext() {
        while (true) {
            Object item = queue.poll();
            if (item == null || closed.get() || !session.isOpen()) {
                draining.set(false);
                // An enqueue may have slipped in between poll() and set(false).
                if (!queue.isEmpty() && !closed.get() && draining.compareAndSet(false, true)) {
                    continue;
                }
                return;
            }
            queued.decrementAndGet();
            if (item instanceof Closing closing) { // everything before it has been written
                draining.set(false);
                close(closing.reason());
                return;
            }
            if (!beginWrite()) {
                draining.set(false);
                return;
            }
            try {
                if (item == PING) {
                    session.getAsyncRemote().sendPing(ByteBuffer.allocate(0));
                    continue;
                }
                completedInline = false;
                writer = Thread.currentThread();
                AtomicBoolean reported = new AtomicBoolean();
                unfinished.incrementAndGet();
                try {
                    String text = item instanceof String encoded ? encoded : codec.encode((ServerMessage) item);
                    session.getAsyncRemote().sendText(text, result -> {
                        if (reported.compareAndSet(false, true)) {
                            unfinished.decrementAndGet();
                        }
                        sent(result);
                    });
                } catch (RuntimeException e) {
                    if (reported.compareAndSet(false, true)) {
                        unfinished.decrementAndGet();
                    }
                    throw e;
                } finally {
                    writer = null;
                }
                if (!completedInline) {
                    return; // sent() continues when the write completes
                }
            } catch (IOException | RuntimeException e) {
                failed(e);
                return;
            } finally {
                endWrite();
            }
        }
    }

    private void sent(SendResult result) {
        if (!result.isOK()) {
            failed(result.getException());
        } else if (writer == Thread.currentThread()) {
            completedInline = true; // the loop in sendNext() goes on
        } else {
            sendNext();
        }
    }

    private void failed(Throwable cause) {
        // I/O failures are ordinary (the peer went away); anything else is a bug worth seeing.
        LOG.log(cause instanceof IOException || !session.isOpen() ? Level.FINE : Level.WARNING,
                "a signaling write failed; closing the socket", cause);
        draining.set(false);
        close(TOO_SLOW);
    }
}
