package org.palaver.signaling.control;

import java.util.function.Consumer;
import org.palaver.platform.OnceLog;
import org.palaver.platform.TokenBucket;
import org.palaver.protocol.ServerMessage;

/**
 * A socket's message rate. Over the rate, messages are dropped; the sender is told once per flood
 * (not once per message, which would only feed the flood back to it). A flood ends after a quiet
 * second. Used by the socket's reading thread only.
 */
final class Flood {

    enum Verdict { PASS, DROP, FIRST_DROP }

    private final TokenBucket rate;
    private final OnceLog limitLog;
    private final String roomId;
    private boolean limited;
    private long lastDroppedNanos;

    Flood(TokenBucket rate, OnceLog limitLog, String roomId) {
        this.rate = rate;
        this.limitLog = limitLog;
        this.roomId = roomId;
    }

    /** Whether this message may be handled; at the first drop of a flood, logs once and tells the sender through {@code tell}. */
    boolean admit(Consumer<ServerMessage> tell) {
        Verdict verdict = take();
        if (verdict == Verdict.FIRST_DROP) {
            limitLog.warn("rate:" + roomId, "a signaling connection in room " + roomId + " exceeded the message rate");
            tell.accept(new ServerMessage.Error("rate-limited", "Too many messages; some were dropped. Slow down."));
        }
        return verdict == Verdict.PASS;
    }

    private Verdict take() {
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
