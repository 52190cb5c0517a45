package org.palaver.signaling.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.palaver.protocol.ServerMessage;

/**
 * After the container reports a socket closed, Payara reuses the connection's response object
 * for other requests; nothing may be written to the socket from then on.
 */
class OutboxTest {

    private final MessageCodec codec = new MessageCodec();
    private final ExecutorService executor = Executors.newSingleThreadExecutor();
    private final List<String> written = new CopyOnWriteArrayList<>();
    private final List<String> closes = new CopyOnWriteArrayList<>();
    private volatile CountDownLatch writeMayFinish = new CountDownLatch(0);
    private final CountDownLatch writeStarted = new CountDownLatch(1);
    /** What the container does inside session.close(): Tyrus calls @OnClose on the closing thread. */
    private volatile Runnable onClose = () -> { };
    /** When set, sendText keeps the completion handler here instead of completing inline. */
    private volatile java.util.concurrent.atomic.AtomicReference<SendHandler> later;

    @AfterEach
    void stop() throws Exception {
        executor.shutdownNow();
        codec.close();
    }

    @Test
    void writesGoOutUntilTheContainerReportsTheSocketClosedAndNothingAfter() throws Exception {
        Outbox outbox = new Outbox(session(), codec, executor);
        outbox.post(new ServerMessage.Pong());
        awaitWritten(1);
        outbox.closedByContainer();
        outbox.post(new ServerMessage.Pong());
        outbox.ping();
        outbox.close(Outbox.TOO_SLOW);
        outbox.kick();
        executor.submit(() -> { }).get(5, TimeUnit.SECONDS); // whatever was scheduled has run
        assertEquals(1, written.size(), "nothing written after the close: " + written);
        assertTrue(closes.isEmpty(), "no close frame either: " + closes);
    }

    @Test
    void theCloseWaitsForAWriteUnderWay() throws Exception {
        writeMayFinish = new CountDownLatch(1);
        Outbox outbox = new Outbox(session(), codec, executor);
        outbox.post(new ServerMessage.Pong());
        assertTrue(writeStarted.await(5, TimeUnit.SECONDS));
        Thread release = new Thread(() -> {
            sleep(200);
            writeMayFinish.countDown();
        });
        release.start();
        long began = System.nanoTime();
        outbox.closedByContainer();
        long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began);
        assertTrue(waitedMillis >= 150 && waitedMillis < 1_000, "waited " + waitedMillis + " ms for the write");
        assertEquals(0, writeMayFinish.getCount(), "the write had finished when the close returned");
    }

    @Test
    void aCloseReportedInsideOurOwnCloseDoesNotWaitForItself() throws Exception {
        Outbox outbox = new Outbox(session(), codec, executor);
        long[] waitedMillis = {-1};
        onClose = () -> {
            long began = System.nanoTime();
            outbox.closedByContainer();
            waitedMillis[0] = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began);
        };
        outbox.close(Outbox.TOO_SLOW);
        executor.submit(() -> { }).get(5, TimeUnit.SECONDS);
        assertEquals(1, closes.size());
        assertTrue(waitedMillis[0] >= 0 && waitedMillis[0] < 100, "waited " + waitedMillis[0] + " ms");
    }

    @Test
    void aDrainScheduledBeforeTheCloseWritesNothingWhenItRuns() {
        List<Runnable> tasks = new java.util.ArrayList<>();
        Outbox outbox = new Outbox(session(), codec, tasks::add);
        outbox.post(new ServerMessage.Pong());
        assertEquals(1, tasks.size(), "a drain was scheduled");
        outbox.closedByContainer();
        tasks.forEach(Runnable::run);
        assertTrue(written.isEmpty(), "written: " + written);
    }

    @Test
    void theCloseWaitsForAWriteTheContainerHasNotCompletedYet() throws Exception {
        later = new java.util.concurrent.atomic.AtomicReference<>();
        Outbox outbox = new Outbox(session(), codec, executor);
        outbox.post(new ServerMessage.Pong());
        awaitWritten(1);
        Thread completes = new Thread(() -> {
            sleep(200);
            later.get().onResult(new SendResult());
        });
        completes.start();
        long began = System.nanoTime();
        outbox.closedByContainer();
        long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began);
        assertTrue(waitedMillis >= 150 && waitedMillis < 1_000, "waited " + waitedMillis + " ms for the completion");
        completes.join();
    }

    @Test
    void finishWritesTheLastWordThenCloses() throws Exception {
        Outbox outbox = new Outbox(session(), codec, executor);
        outbox.finish(new ServerMessage.Error("join-timeout", "No join in time."), Outbox.JOIN_TIMEOUT);
        outbox.post(new ServerMessage.Pong());
        executor.submit(() -> { }).get(5, TimeUnit.SECONDS);
        executor.submit(() -> { }).get(5, TimeUnit.SECONDS); // the close the drain scheduled
        assertEquals(1, written.size(), "only the last word: " + written);
        assertTrue(written.get(0).contains("join-timeout"), written.get(0));
        assertEquals(1, closes.size());
        assertTrue(closes.get(0).contains("4004"), closes.get(0));
    }

    private void awaitWritten(int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (written.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(count, written.size());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A session whose async remote records writes, completing them inline once allowed. */
    private Session session() {
        RemoteEndpoint.Async async = (RemoteEndpoint.Async) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {RemoteEndpoint.Async.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "sendText" -> {
                            if (later != null) {
                                written.add((String) args[0]);
                                later.set((SendHandler) args[1]);
                                return null;
                            }
                            writeStarted.countDown();
                            writeMayFinish.await(5, TimeUnit.SECONDS);
                            written.add((String) args[0]);
                            ((SendHandler) args[1]).onResult(new SendResult());
                        }
                        case "sendPing" -> written.add("ping");
                        default -> { }
                    }
                    return null;
                });
        return (Session) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Session.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getAsyncRemote" -> async;
                    case "isOpen" -> true;
                    case "close" -> {
                        closes.add(String.valueOf(args == null ? null : args[0]));
                        onClose.run();
                        yield null;
                    }
                    default -> null;
                });
    }
}
