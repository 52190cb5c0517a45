package org.palaver.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Sender/receiver pairs for relay measurements, each pair alone in its room: senders send
 * {@code offer}s whose {@code sdp} is the send time ({@link System#nanoTime()}, one JVM), and each
 * receiver records the time from sending to arrival.
 */
final class RelayPairs {

    /** Where pair {@code i} meets: its room's signaling URI (making the room may call the server). */
    interface Rooms {
        URI of(int pair) throws Exception;
    }

    /** What one burst at a fixed rate did: messages planned and sent, and why it stopped early (null: it did not). */
    record Burst(long planned, long sent, String closedBy) {
    }

    private final ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
    private final AtomicLong received = new AtomicLong();
    private final List<BenchSocket> senders = new ArrayList<>();
    private final List<String> targets = new ArrayList<>();
    private final List<BenchSocket> all = new ArrayList<>();

    /**
     * Opens {@code count} pairs, pair {@code i} on {@code room.of(i)}. With {@code join}, both
     * send a Palaver {@code join} and the sender addresses the receiver by the id the server gave
     * it; without, (the bare relay) the first frame each gets is its greeting and the target is "b".
     */
    static RelayPairs open(HttpClient http, int count, Rooms room, boolean join) throws Exception {
        RelayPairs pairs = new RelayPairs();
        for (int i = 0; i < count; i++) {
            URI uri = room.of(i);
            CompletableFuture<String> senderJoined = new CompletableFuture<>();
            BenchSocket sender = BenchSocket.open(http, uri, senderJoined::complete).join();
            if (join) {
                sender.send("{\"type\":\"join\",\"name\":\"A\"}");
            }
            senderJoined.get(10, TimeUnit.SECONDS);
            CompletableFuture<String> receiverJoined = new CompletableFuture<>();
            BenchSocket receiver = BenchSocket.open(http, uri, text -> {
                if (!receiverJoined.isDone()) {
                    receiverJoined.complete(text);
                    return;
                }
                int at = text.indexOf("\"sdp\":\"");
                if (at >= 0) {
                    long sent = Long.parseLong(text.substring(at + 7, text.indexOf('"', at + 7)));
                    pairs.latencies.add(System.nanoTime() - sent);
                    pairs.received.incrementAndGet();
                }
            }).join();
            if (join) {
                receiver.send("{\"type\":\"join\",\"name\":\"B\"}");
            }
            String joined = receiverJoined.get(10, TimeUnit.SECONDS);
            pairs.targets.add(join ? Benchmarks.selfId(joined) : "b");
            pairs.senders.add(sender);
            pairs.all.add(sender);
            pairs.all.add(receiver);
        }
        return pairs;
    }

    /** Forgets what arrived so far: the next burst is measured alone. */
    void reset() {
        latencies.clear();
        received.set(0);
    }

    /** Sends at {@code rate} messages per second in all, round robin over the pairs, for {@code duration}; stops at a closed socket. */
    Burst send(int rate, Duration duration) {
        long interval = 1_000_000_000L / rate;
        long steps = duration.toNanos() / interval;
        long next = System.nanoTime();
        long sent = 0;
        String closedBy = null;
        for (long n = 0; n < steps && closedBy == null; n++) {
            next += interval;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            int pair = (int) (n % senders.size());
            try {
                senders.get(pair).send("{\"type\":\"offer\",\"to\":\"" + targets.get(pair) + "\",\"sdp\":\"" + System.nanoTime() + "\"}");
                sent++;
            } catch (RuntimeException e) {
                closedBy = e.getMessage();
            }
        }
        return new Burst(steps, sent, closedBy);
    }

    /** Send-to-arrival times since the last reset, in nanoseconds. */
    long[] latencies() {
        return latencies.stream().mapToLong(Long::longValue).toArray();
    }

    long received() {
        return received.get();
    }

    void close() {
        all.forEach(BenchSocket::close);
    }
}
