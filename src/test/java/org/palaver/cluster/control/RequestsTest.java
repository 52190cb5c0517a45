package org.palaver.cluster.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RequestsTest {

    final Requests requests = new Requests();
    final ScheduledExecutorService otherNode = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        otherNode.shutdownNow();
    }

    @Test
    void anAnswerReachesTheOneWhoAskedAndOnlyThem() throws Exception {
        List<String> ids = new ArrayList<>();
        CompletableFuture<Optional<String>> first = CompletableFuture.supplyAsync(() -> ask(id -> {
            ids.add(id);
            otherNode.schedule(() -> requests.answered(id, "one"), 50, TimeUnit.MILLISECONDS);
        }));
        Optional<String> second = requests.ask(id -> otherNode.execute(() -> requests.answered(id, null)), Duration.ofSeconds(5));
        assertEquals(Optional.empty(), second, "\"none\" is an answer");
        assertEquals(Optional.of("one"), first.get(5, TimeUnit.SECONDS));
        assertFalse(requests.answered(ids.get(0), "again"), "a second answer finds nobody");
        assertFalse(requests.answered("never-asked", "x"));
        assertEquals(0, requests.waiting());
    }

    @Test
    void silenceEndsInNoAnswerWithinTheWaitAndLeavesNothingBehind() {
        String[] asked = new String[1];
        long began = System.nanoTime();
        assertThrows(Requests.NoAnswer.class, () -> requests.ask(id -> asked[0] = id, Duration.ofMillis(200)));
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began);
        assertTrue(took >= 200 && took < 2000, "waited " + took + " ms");
        assertEquals(0, requests.waiting());
        assertFalse(requests.answered(asked[0], "late"), "a late answer is dropped");
    }

    @Test
    void aQuestionThatCannotBeSentFailsAtOnce() {
        assertThrows(IllegalStateException.class, () -> requests.ask(id -> {
            throw new IllegalStateException("not in the cluster");
        }, Duration.ofSeconds(5)));
        assertEquals(0, requests.waiting());
    }

    private Optional<String> ask(java.util.function.Consumer<String> send) {
        try {
            return requests.ask(send, Duration.ofSeconds(5));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
