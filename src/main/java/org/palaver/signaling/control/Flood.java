package org.palaver.signaling.control;

import org.palaver.platform.TokenBucket;

/**
 * A socket's message rate. Over the rate, messages are dropped; the sender is told once per flood
 * (not once per message, which would only feed the flood back to it). A flood ends after a quiet
 * second. Used by the socket's reading thread only.
 */
final class Flood {

    enum Verdict { PASS, DROP, FIRST_DROP }

    private final TokenBucket rate;
    private boolean limited;
    private long lastDroppedNanos;

    Flood(TokenBucket rate) {
        this.rate = rate;
    }

    Verdict take() {
        long now = System.nanoTime();
        if (rate.tryTake()) {
            if (limited && now - lastDroppedNanos > 1_000_000_000L) {
                limited = false;
            }
            return Verdict.PASS;
        }
        lastDroppedNanos = now;
        if (!limited) {
            limited = true;
            return Verdict.FIRST_DROP;
        }
        return Verdict.DROP;
    }
}
