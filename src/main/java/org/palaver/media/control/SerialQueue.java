package org.palaver.media.control;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs one room's media server work one task at a time, in order, on a shared pool: a room's
 * calls never overlap (so a pipeline is created once, however many join at once), while a slow
 * call in one room keeps only that room waiting.
 *
 * <p>Bounded, so that a flood of requests cannot starve other rooms: a participant may have at
 * most {@code perParticipant} requests waiting and the room at most {@code capacity}; beyond that
 * {@link #offer} refuses. The room's own events ({@link #submit}: joins, leaves, restarts) are
 * never refused, since skipping one would leak media server objects; they are bounded by
 * membership changes. A queue runs at most {@link #BATCH} tasks before it lets other rooms' queues
 * have the worker, so one busy room cannot hold the pool.
 */
public final class SerialQueue {

    private static final Logger LOG = Logger.getLogger(SerialQueue.class.getName());
    static final int BATCH = 16;

    private record Task(String participant, Runnable work) {
    }

    private final Executor pool;
    private final int capacity;
    private final int perParticipant;
    private final Deque<Task> tasks = new ArrayDeque<>(); // guards itself and the fields below
    private final Map<String, Integer> waiting = new HashMap<>();
    private boolean draining;

    public SerialQueue(Executor pool, int capacity, int perParticipant) {
        this.pool = pool;
        this.capacity = capacity;
        this.perParticipant = perParticipant;
    }

    /** A room event, always taken. Never blocks; safe to call while holding a room's lock. */
    public void submit(Runnable task) {
        enqueue(new Task(null, task), false);
    }

    /** A participant's request; false (and nothing queued) when they or the room have too many waiting. */
    public boolean offer(String participantId, Runnable task) {
        return enqueue(new Task(participantId, task), true);
    }

    private boolean enqueue(Task task, boolean bounded) {
        synchronized (tasks) {
            if (bounded && (tasks.size() >= capacity || waiting.getOrDefault(task.participant(), 0) >= perParticipant)) {
                return false;
            }
            tasks.add(task);
            if (task.participant() != null) {
                waiting.merge(task.participant(), 1, Integer::sum);
            }
            if (draining) {
                return true;
            }
            draining = true;
        }
        schedule();
        return true;
    }

    private void schedule() {
        try {
            pool.execute(this::drain);
        } catch (RejectedExecutionException shuttingDown) {
            synchronized (tasks) {
                tasks.clear();
                waiting.clear();
                draining = false;
            }
        }
    }

    private void drain() {
        for (int ran = 0; ; ran++) {
            Task next;
            synchronized (tasks) {
                if (ran == BATCH && !tasks.isEmpty()) {
                    break; // to the back of the pool's line, still draining
                }
                next = tasks.poll();
                if (next == null) {
                    draining = false;
                    return;
                }
                if (next.participant() != null) {
                    waiting.computeIfPresent(next.participant(), (k, n) -> n == 1 ? null : n - 1);
                }
            }
            try {
                next.work().run();
            } catch (RuntimeException | Error e) {
                LOG.log(Level.SEVERE, "media task failed", e);
            }
        }
        schedule();
    }
}
