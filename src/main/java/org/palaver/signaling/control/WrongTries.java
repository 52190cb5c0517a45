package org.palaver.signaling.control;

/**
 * Wrong passcodes from one source (a connection, or an address for one room): the first
 * {@code free} are answered at once; after that each try has to wait twice as long as the one
 * before (2 s, 4 s, ... 64 s). A try is taken with {@link #begin} and judged with {@link #end}.
 * Only wrong tries use up the allowance, never tries under way: a crowd joining at once with the
 * right passcode all get in. How many tries run at once is bounded by the caller (one per
 * connection, and a small pool of passcode threads, see {@link PasscodeChecks}). Thread-safe;
 * times are {@link System#nanoTime()} values passed in.
 */
public final class WrongTries {

    private static final long FIRST_WAIT_NANOS = 2_000_000_000L;
    private static final int MAX_DOUBLINGS = 5;

    private final int free;
    private int wrong;
    private int pending;
    private long nextTryNanos;
    private long lastWrongNanos;

    public WrongTries(int free) {
        this.free = free;
    }

    /**
     * Takes a try: 0 when it may go ahead (then call {@link #end}), else the whole seconds (at
     * least 1) to wait. Past the free allowance only one try at a time is let through.
     */
    public synchronized long begin(long now) {
        boolean allowanceUsed = wrong >= free;
        if (allowanceUsed && (pending > 0 || now - nextTryNanos < 0)) {
            return Math.max(1, (nextTryNanos - now + 999_999_999L) / 1_000_000_000L);
        }
        pending++;
        return 0;
    }

    /** The try taken with {@link #begin} was judged. */
    public synchronized void end(long now, boolean wasWrong) {
        pending = Math.max(0, pending - 1);
        if (wasWrong) {
            wrong++;
            lastWrongNanos = now;
            if (wrong >= free) {
                int doublings = Math.min(wrong - free, MAX_DOUBLINGS);
                nextTryNanos = now + (FIRST_WAIT_NANOS << doublings);
            }
        }
    }

    /** True when no try is under way and none was wrong for {@code quietNanos}: it may be forgotten. */
    public synchronized boolean forgettable(long now, long quietNanos) {
        return pending == 0 && now - lastWrongNanos >= quietNanos;
    }
}
