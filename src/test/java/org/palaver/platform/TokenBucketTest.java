package org.palaver.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TokenBucketTest {

    final AtomicLong now = new AtomicLong();
    final TokenBucket bucket = new TokenBucket(3, 0.5, now::get);

    @Test
    void burstThenRefillAtTheRate() {
        assertTrue(bucket.tryTake());
        assertTrue(bucket.tryTake());
        assertTrue(bucket.tryTake());
        assertFalse(bucket.tryTake());
        assertEquals(2, bucket.secondsUntilNext());
        now.addAndGet(1_999_000_000L);
        assertFalse(bucket.tryTake());
        now.addAndGet(1_000_000L);
        assertTrue(bucket.tryTake());
        assertFalse(bucket.full());
        now.addAndGet(60_000_000_000L);
        assertTrue(bucket.full(), "never more than the burst");
        for (int i = 0; i < 3; i++) {
            assertTrue(bucket.tryTake());
        }
        assertFalse(bucket.tryTake());
    }
}
