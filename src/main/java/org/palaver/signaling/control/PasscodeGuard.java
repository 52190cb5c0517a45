package org.palaver.signaling.control;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.palaver.platform.OnceLog;
import org.palaver.rooms.entity.RoomException;

/**
 * Wrong passcodes per client address and room, across connections: a guesser who opens a new
 * socket for every few tries is slowed down all the same. Keyed by room too, so that one room's
 * guessing never slows down anyone joining another room; a right passcode clears its key, and
 * ten quiet minutes forget it. IPv6 clients count per /64, the block one host usually has. Behind
 * a reverse proxy every user shares the proxy's address, so the allowance is generous. Connections
 * whose address is unknown all count as one, {@link ClientAddresses#UNKNOWN}.
 */
@ApplicationScoped
public class PasscodeGuard {

    static final int FREE_TRIES_PER_ADDRESS = 10;
    private static final int MAX_TRACKED = 10_000;
    static final long FORGET_AFTER_NANOS = TimeUnit.MINUTES.toNanos(10);

    private final ConcurrentMap<String, WrongTries> tries = new ConcurrentHashMap<>();
    private final OnceLog log = new OnceLog(Logger.getLogger(PasscodeGuard.class.getName()));

    /**
     * Takes a try for this address and room; throws {@code too-many-attempts} while it must wait.
     * Pair with {@link #end}.
     */
    public void begin(String address, String roomId, long now) {
        String key = key(address, roomId);
        tries.computeIfPresent(key, (k, recorded) -> recorded.forgettable(now, FORGET_AFTER_NANOS) ? null : recorded);
        if (tries.size() >= MAX_TRACKED) {
            tries.values().removeIf(t -> t.forgettable(now, FORGET_AFTER_NANOS));
        }
        long wait = tries.computeIfAbsent(key, k -> new WrongTries(FREE_TRIES_PER_ADDRESS)).begin(now);
        if (wait > 0) {
            log.warn(address, "slowing down passcode guessing from " + address);
            throw new RoomException("too-many-attempts",
                    "Too many wrong passcodes from this address; try again in " + wait + " s.");
        }
    }

    /** The try was a wrong passcode. */
    public void wrong(String address, String roomId, long now) {
        judged(address, roomId, now, true);
    }

    /** The try failed for another reason (room full, bad name, ...): it counts neither way. */
    public void undecided(String address, String roomId, long now) {
        judged(address, roomId, now, false);
    }

    /** The try got in: whoever is at this address knows the passcode, so its tries are forgotten. */
    public void right(String address, String roomId) {
        tries.remove(key(address, roomId));
    }

    private void judged(String address, String roomId, long now, boolean wasWrong) {
        WrongTries recorded = tries.get(key(address, roomId));
        if (recorded != null) {
            recorded.end(now, wasWrong);
        }
    }

    static String key(String address, String roomId) {
        return ClientAddresses.block(address) + ' ' + roomId;
    }
}
