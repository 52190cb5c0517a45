package org.palaver.signaling.control;

/**
 * Wrong passcodes from one source (a connection, or an address for one room): the first
 * {@code free} are answered at once; after that each try has to wait twice as long as the one
 * before (2 s, 4 s, ... 64 s). Thread-safe; times are {@link System#nanoTime()} values passed in,
 * so tests need not sleep.
 */
public final class WrongTries {

    private static final long FIRST_WAIT_NANOS = 2_000_000_000L;
    private static final int MAX_DOUBLINGS = 5;

    private final int free;
    private int wrong;
    private long nextTryNanos;
    private long lastWrongNanos;

    public WrongTries(int free) {
        this.free = free;
    }

    /** Whole seconds (at least 1) this source must still wait before trying again, or 0. */
    public synchronized long secondsToWait(long now) {
        if (wrong < free || now - nextTryNanos >= 0) {
            return 0;
        }
        return Math.max(1, (nextTryNanos - now + 999_999_999L) / 1_000_000_000L);
    }

    public synchronized void wrong(long now) {
        wrong++;
        lastWrongNanos = now;
        if (wrong >= free) {
            int doublings = Math.min(wrong - free, MAX_DOUBLINGS);
            nextTryNanos = now + (FIRST_WAIT_NANOS << doublings);
        }
    }

    /** True when this source has made no wrong try for {@code quietNanos}: it may be forgotten. */
    public synchronized boolean quietFor(long now, long quietNanos) {
        return now - lastWrongNanos >= quietNanos;
    }
}
