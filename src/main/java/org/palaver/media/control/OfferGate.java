package org.palaver.media.control;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * Bounds the offers one media server session is processing at once. Answering an offer is the
 * media server's heaviest call (a new endpoint's DTLS and ICE set-up); sent all at once, as when
 * a large room is rebuilt or many people join together, they queue up inside the media server
 * until its answers, and its replies to the client's heartbeat, come too late, and the session is
 * dropped. Beyond the limit, offers wait here in order and go as earlier ones are answered.
 * Never blocks.
 */
public final class OfferGate {

    /** Offers one session has at the media server at once: enough to keep its cores busy. */
    public static final int DEFAULT_LIMIT = 8;
    /**
     * With every place taken and none given back for this long, the answers are taken for lost
     * (the client fails its pending calls when the socket drops, but a media server could still
     * swallow one) and the places are given back, so that a gate can never close for good.
     */
    static final Duration STALLED = Duration.ofSeconds(60);

    private static final Logger LOG = Logger.getLogger(OfferGate.class.getName());

    private final int limit;
    private final LongSupplier nanoTime;
    private final Deque<Runnable> waiting = new ArrayDeque<>(); // guarded by this, as are the fields below
    private int inFlight;
    private long lastMoved;

    public OfferGate(int limit) {
        this(limit, System::nanoTime);
    }

    OfferGate(int limit, LongSupplier nanoTime) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit " + limit);
        }
        this.limit = limit;
        this.nanoTime = nanoTime;
        this.lastMoved = nanoTime.getAsLong();
    }

    /**
     * True when an offer may go now; the caller then calls {@link #leave} once it is answered or
     * has failed. Otherwise {@code whenFree} runs once an earlier offer is done, holding the place
     * it frees (so it calls {@link #leave} in turn), on the thread that calls {@link #leave}.
     */
    public boolean enter(Runnable whenFree) {
        List<Runnable> reopened = List.of();
        boolean now;
        synchronized (this) {
            long at = nanoTime.getAsLong();
            if (inFlight >= limit && at - lastMoved > STALLED.toNanos()) {
                LOG.warning("the media server answered none of " + inFlight + " offers for " + STALLED.toSeconds()
                        + " s: taking them for lost");
                inFlight = 0;
                lastMoved = at;
                reopened = new ArrayList<>();
                while (inFlight < limit && !waiting.isEmpty()) {
                    inFlight++;
                    reopened.add(waiting.poll());
                }
            }
            now = inFlight < limit;
            if (now) {
                inFlight++;
                lastMoved = at;
            } else {
                waiting.add(whenFree);
            }
        }
        reopened.forEach(Runnable::run); // those that waited longest go first
        return now;
    }

    /** An offer is done: the place goes to the first one waiting, if any. */
    public void leave() {
        Runnable next;
        synchronized (this) {
            lastMoved = nanoTime.getAsLong();
            next = waiting.poll();
            if (next == null) {
                inFlight = Math.max(0, inFlight - 1); // a late answer after a stall may find its place given back
                return;
            }
        }
        next.run();
    }

    public synchronized int inFlight() {
        return inFlight;
    }

    public synchronized int waiting() {
        return waiting.size();
    }
}
