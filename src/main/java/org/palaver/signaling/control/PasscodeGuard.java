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
 * guessing never slows down anyone joining another room; a right passcode clears its key. Behind
 * a reverse proxy every user shares the proxy's address, so the allowance is generous.
 */
@ApplicationScoped
public class PasscodeGuard {

    static final int FREE_TRIES_PER_ADDRESS = 10;
    private static final int MAX_TRACKED = 10_000;
    private static final long FORGET_AFTER_NANOS = TimeUnit.MINUTES.toNanos(10);

    private final ConcurrentMap<String, WrongTries> tries = new ConcurrentHashMap<>();
    private final OnceLog log = new OnceLog(Logger.getLogger(PasscodeGuard.class.getName()));

    /** Throws {@code too-many-attempts} while this address must wait before trying this room again. */
    public void check(String address, String roomId, long now) {
        WrongTries recorded = tries.get(key(address, roomId));
        long wait = recorded == null ? 0 : recorded.secondsToWait(now);
        if (wait > 0) {
            throw new RoomException("too-many-attempts",
                    "Too many wrong passcodes from this address; try again in " + wait + " s.");
        }
    }

    public void wrong(String address, String roomId, long now) {
        if (tries.size() >= MAX_TRACKED) {
            tries.values().removeIf(t -> t.quietFor(now, FORGET_AFTER_NANOS));
        }
        WrongTries recorded = tries.computeIfAbsent(key(address, roomId), k -> new WrongTries(FREE_TRIES_PER_ADDRESS));
        recorded.wrong(now);
        if (recorded.secondsToWait(now) > 0) {
            log.warn(address, "slowing down passcode guessing from " + address);
        }
    }

    public void right(String address, String roomId) {
        tries.remove(key(address, roomId));
    }

    private static String key(String address, String roomId) {
        return address + ' ' + roomId;
    }
}
