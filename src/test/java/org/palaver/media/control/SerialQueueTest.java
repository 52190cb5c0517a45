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
        SerialQueue queue = new SerialQueue(pool, 10_000, 10_000);
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
        SerialQueue slow = new SerialQueue(pool, 10_000, 10_000);
        SerialQueue fast = new SerialQueue(pool, 10_000, 10_000);
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
        SerialQueue queue = new SerialQueue(pool, 10_000, 10_000);
        CountDownLatch after = new CountDownLatch(1);
        queue.submit(() -> {
            throw new IllegalStateException("a media server call failed");
        });
        queue.submit(after::countDown);
        assertTrue(after.await(5, TimeUnit.SECONDS));
    }

    @Test
    void aParticipantWithTooManyWaitingIsRefusedWhileOthersAndRoomEventsAreTaken() throws Exception {
        SerialQueue queue = new SerialQueue(pool, 5, 3);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch busy = new CountDownLatch(1);
        queue.submit(() -> {
            busy.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(busy.await(5, TimeUnit.SECONDS));
        AtomicInteger ran = new AtomicInteger();
        List<Boolean> mallory = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            mallory.add(queue.offer("mallory", ran::incrementAndGet));
        }
        assertEquals(List.of(true, true, true, false, false), mallory, "three may wait per participant");
        assertTrue(queue.offer("alice", ran::incrementAndGet));
        assertTrue(queue.offer("bob", ran::incrementAndGet));
        assertEquals(false, queue.offer("carol", ran::incrementAndGet), "five may wait in the room");
        CountDownLatch event = new CountDownLatch(1);
        queue.submit(event::countDown); // a room event is never refused
        release.countDown();
        assertTrue(event.await(5, TimeUnit.SECONDS));
        assertEquals(5, ran.get());
        assertTrue(queue.offer("mallory", ran::incrementAndGet), "once they ran, mallory may ask again");
    }

    @Test
    void aBusyRoomLetsOtherRoomsUseTheWorkerBetweenBatches() throws Exception {
        ExecutorService one = Executors.newSingleThreadExecutor();
        try {
            SerialQueue busy = new SerialQueue(one, 10_000, 10_000);
            SerialQueue other = new SerialQueue(one, 10_000, 10_000);
            List<String> order = Collections.synchronizedList(new ArrayList<>());
            CountDownLatch done = new CountDownLatch(1001);
            CountDownLatch queued = new CountDownLatch(1);
            busy.submit(() -> {
                try {
                    queued.await(10, TimeUnit.SECONDS); // everything is queued before the busy room runs
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            for (int i = 0; i < 1000; i++) {
                busy.submit(() -> {
                    order.add("busy");
                    done.countDown();
                });
            }
            other.submit(() -> {
                order.add("other");
                done.countDown();
            });
            queued.countDown();
            assertTrue(done.await(10, TimeUnit.SECONDS));
            assertTrue(order.indexOf("other") < SerialQueue.BATCH,
                    "the other room waited for " + order.indexOf("other") + " tasks of the busy one");
        } finally {
            one.shutdownNow();
        }
    }
}
