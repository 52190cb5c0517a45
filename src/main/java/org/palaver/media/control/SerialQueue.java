package org.palaver.media.control;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs one room's media server work one task at a time, in order, on a shared pool: a room's
 * calls never overlap (so a pipeline is created once, however many join at once), while a slow
 * call in one room keeps only that room waiting.
 */
public final class SerialQueue {

    private static final Logger LOG = Logger.getLogger(SerialQueue.class.getName());

    private final Executor pool;
    private final Deque<Runnable> tasks = new ArrayDeque<>();
    private boolean draining; // guarded by tasks

    public SerialQueue(Executor pool) {
        this.pool = pool;
    }

    /** Never blocks; safe to call while holding a room's lock. */
    public void submit(Runnable task) {
        synchronized (tasks) {
            tasks.add(task);
            if (draining) {
                return;
            }
            draining = true;
        }
        try {
            pool.execute(this::drain);
        } catch (RejectedExecutionException shuttingDown) {
            synchronized (tasks) {
                tasks.clear();
                draining = false;
            }
        }
    }

    private void drain() {
        while (true) {
            Runnable next;
            synchronized (tasks) {
                next = tasks.poll();
                if (next == null) {
                    draining = false;
                    return;
                }
            }
            try {
                next.run();
            } catch (RuntimeException | Error e) {
                LOG.log(Level.SEVERE, "media task failed", e);
            }
        }
    }
}
