package org.palaver.cluster.control;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Questions to other nodes and their answers, matched by request id. A caller waits a bounded time
 * and never longer; an answer that comes too late, or twice, or for nobody, is dropped. Nothing is
 * left behind: the id is forgotten when the wait ends, however it ends.
 */
public final class Requests {

    /** The other node did not answer within the wait (gone, or too busy). */
    public static final class NoAnswer extends Exception {
        public NoAnswer(String message) {
            super(message, null, false, false);
        }
    }

    private final ConcurrentMap<String, CompletableFuture<Optional<String>>> pending = new ConcurrentHashMap<>();

    /**
     * Sends a question through {@code send} (given the fresh request id) and waits at most {@code wait}
     * for its answer; empty means the other node answered "none".
     */
    public Optional<String> ask(Consumer<String> send, Duration wait) throws NoAnswer, InterruptedException {
        String id = UUID.randomUUID().toString();
        CompletableFuture<Optional<String>> answer = new CompletableFuture<>();
        pending.put(id, answer);
        try {
            send.accept(id);
            return answer.get(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new NoAnswer("no answer within " + wait.toMillis() + " ms");
        } catch (ExecutionException e) {
            throw new NoAnswer("the question failed: " + e.getCause());
        } finally {
            pending.remove(id);
        }
    }

    /** An answer arrived; {@code text} null means "none". False when nobody waits for it (any more). */
    public boolean answered(String id, String text) {
        CompletableFuture<Optional<String>> waiting = pending.remove(id);
        return waiting != null && waiting.complete(Optional.ofNullable(text));
    }

    int waiting() {
        return pending.size();
    }
}
