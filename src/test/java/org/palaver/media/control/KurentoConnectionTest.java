package org.palaver.media.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class KurentoConnectionTest {

    @Test
    void retriesStartShortAndDoubleUpToTheRetryInterval() {
        List<Long> waits = new ArrayList<>();
        Duration wait = KurentoConnection.FIRST_RETRY;
        for (int i = 0; i < 6; i++) {
            waits.add(wait.toMillis());
            wait = KurentoConnection.nextBackoff(wait, Duration.ofSeconds(2));
        }
        assertEquals(List.of(250L, 500L, 1000L, 2000L, 2000L, 2000L), waits);
    }
}
