package org.palaver.media.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SerialQueueTest {

    final ExecutorService pool = Executors.newFixedThreadPool(4);

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    @Test
    void tasksOfOneQueueNeverOverlapAndRunInSubmissionOrder() throws Exception {
        SerialQueue queue = new SerialQueue(pool);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        List<Integer> order = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch done = new CountDownLatch(2000);
        for (int i = 0; i < 2000; i++) {
            int n = i;
            queue.submit(() -> {
                if (running.incrementAndGet() > 1) {
                    overlaps.incrementAndGet();
                }
                order.add(n);
                running.decrementAndGet();
                done.countDown();
            });
        }
        assertTrue(done.await(10, TimeUnit.SECONDS));
        assertEquals(0, overlaps.get());
        for (int i = 0; i < order.size(); i++) {
            assertEquals(i, order.get(i));
        }
    }

    @Test
    void aSlowQueueDoesNotHoldUpAnother() throws Exception {
        SerialQueue slow = new SerialQueue(pool);
        SerialQueue fast = new SerialQueue(pool);
        CountDownLatch release = new CountDownLatch(1);
        slow.submit(() -> {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        CountDownLatch fastRan = new CountDownLatch(1);
        fast.submit(fastRan::countDown);
        assertTrue(fastRan.await(5, TimeUnit.SECONDS), "the other room's task ran while the first one waits");
        release.countDown();
    }

    @Test
    void aFailingTaskDoesNotStopTheQueue() throws Exception {
        SerialQueue queue = new SerialQueue(pool);
        CountDownLatch after = new CountDownLatch(1);
        queue.submit(() -> {
            throw new IllegalStateException("a media server call failed");
        });
        queue.submit(after::countDown);
        assertTrue(after.await(5, TimeUnit.SECONDS));
    }
}
