package org.palaver.signaling.control;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.palaver.platform.OnceLog;
import org.palaver.rooms.entity.RoomException;

/**
 * Where passcode hashes run. PBKDF2 takes tens of milliseconds of CPU on purpose; on the
 * container's HTTP/WebSocket threads a few sockets sending joins would slow every other request.
 * So hashes run on a few threads of their own (half the cores, at least one), with a bounded
 * queue; an address may have only so many waiting or running at once (enough for a meeting that
 * starts on the hour behind one reverse proxy). Beyond either bound a join is answered
 * {@code server-busy} at once instead of piling up.
 */
@ApplicationScoped
public class PasscodeChecks {

    static final int QUEUE = 128;
    static final int PER_ADDRESS = 32;

    private static final Logger LOG = Logger.getLogger(PasscodeChecks.class.getName());

    @Resource
    ManagedThreadFactory threadFactory;

    int threads = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);

    private final ConcurrentMap<String, Integer> perAddress = new ConcurrentHashMap<>();
    private final OnceLog busyLog = new OnceLog(LOG);
    private ThreadPoolExecutor pool;

    @PostConstruct
    void start() {
        ThreadFactory factory = threadFactory != null ? threadFactory : Executors.defaultThreadFactory();
        pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE), factory);
        pool.prestartAllCoreThreads(); // a few threads for the application's life, none made later on a request
    }

    @PreDestroy
    void stop() {
        pool.shutdownNow();
    }

    /**
     * Runs {@code check} on the passcode threads, or throws {@code server-busy} when this address
     * has {@value #PER_ADDRESS} checks waiting or running, or {@value #QUEUE} wait already.
     */
    public void submit(String address, Runnable check) {
        String key = ClientAddresses.block(address);
        if (!take(key)) {
            busyLog.warn("address:" + key, "passcode checks from " + key + " reached " + PER_ADDRESS + " at once");
            throw busy("Too many passcode checks from your address at once; try again in a moment.");
        }
        try {
            pool.execute(() -> {
                try {
                    check.run();
                } finally {
                    release(key);
                }
            });
        } catch (RejectedExecutionException full) {
            release(key);
            busyLog.warn("queue", "the passcode check queue is full (" + QUEUE + ")");
            throw busy("The server is busy checking passcodes; try again in a moment.");
        }
    }

    private boolean take(String key) {
        boolean[] taken = {false};
        perAddress.compute(key, (k, running) -> {
            int count = running == null ? 0 : running;
            if (count >= PER_ADDRESS) {
                return running;
            }
            taken[0] = true;
            return count + 1;
        });
        return taken[0];
    }

    private void release(String key) {
        perAddress.computeIfPresent(key, (k, running) -> running <= 1 ? null : running - 1);
    }

    private static RoomException busy(String message) {
        return new RoomException("server-busy", message);
    }
}
