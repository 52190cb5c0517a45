package org.palaver.platform;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Logs each distinct event once, so a flood of the same refusal cannot flood the log. Remembers
 * a bounded number of keys; past that it stays quiet.
 */
public final class OnceLog {

    private static final int MAX_KEYS = 1000;

    private final Logger logger;
    private final Set<String> seen = ConcurrentHashMap.newKeySet();

    public OnceLog(Logger logger) {
        this.logger = logger;
    }

    public void warn(String key, String message) {
        if (seen.size() < MAX_KEYS && seen.add(key)) {
            logger.log(Level.WARNING, message);
        }
    }
}
