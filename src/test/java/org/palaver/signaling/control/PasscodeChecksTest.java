package org.palaver.signaling.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.palaver.rooms.entity.RoomException;

class PasscodeChecksTest {

    private final PasscodeChecks checks = new PasscodeChecks();
    private final CountDownLatch release = new CountDownLatch(1);

    PasscodeChecksTest() {
        checks.threads = 1;
        checks.start();
    }

    @AfterEach
    void stop() {
        release.countDown();
        checks.stop();
    }

    private final Runnable blocked = () -> {
        try {
            release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    };

    private void assertBusy(String address) {
        RoomException busy = assertThrows(RoomException.class, () -> checks.submit(address, () -> { }));
        assertEquals("server-busy", busy.code());
        assertTrue(busy.getMessage().contains("try again"), busy.getMessage());
    }

    @Test
    void checksRunOnThreadsOfTheirOwnNotTheCallers() throws Exception {
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        checks.submit("192.0.2.1", () -> {
            ranOn.set(Thread.currentThread());
            done.countDown();
        });
        assertTrue(done.await(5, TimeUnit.SECONDS));
        assertNotSame(Thread.currentThread(), ranOn.get());
    }

    @Test
    void anAddressMayHaveOnlySoManyChecksAtOnce() throws Exception {
        for (int i = 0; i < PasscodeChecks.PER_ADDRESS; i++) {
            checks.submit("192.0.2.1", blocked);
        }
        assertBusy("192.0.2.1");
        checks.submit("192.0.2.2", () -> { }); // another address is not affected
        release.countDown();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            try {
                checks.submit("192.0.2.1", () -> { });
                break;
            } catch (RoomException stillBusy) {
                assertTrue(System.nanoTime() < deadline, "checks done, yet still busy");
                Thread.sleep(10);
            }
        }
    }

    @Test
    void aFullQueueIsAnsweredBusyAtOnce() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        checks.submit("198.51.100.0", () -> {
            running.countDown();
            blocked.run();
        });
        assertTrue(running.await(5, TimeUnit.SECONDS), "holding the one thread, out of the queue");
        for (int i = 1; i <= PasscodeChecks.QUEUE; i++) {
            checks.submit("198.51.100." + i, () -> { });
        }
        assertBusy("203.0.113.9");
    }
}
