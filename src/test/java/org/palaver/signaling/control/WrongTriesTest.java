package org.palaver.signaling.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class WrongTriesTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void freeTriesAreAnsweredAtOnceThenEachWaitDoublesUpTo64Seconds() {
        WrongTries tries = new WrongTries(3);
        long now = 0;
        tries.wrong(now);
        tries.wrong(now);
        assertEquals(0, tries.secondsToWait(now), "two of three free tries used");
        tries.wrong(now);
        assertEquals(2, tries.secondsToWait(now));
        assertEquals(1, tries.secondsToWait(now + SECOND + 1), "rounded up to whole seconds");
        assertEquals(0, tries.secondsToWait(now + 2 * SECOND));
        long[] expected = {4, 8, 16, 32, 64, 64};
        for (long wait : expected) {
            now += 100 * SECOND;
            tries.wrong(now);
            assertEquals(wait, tries.secondsToWait(now));
        }
    }

    @Test
    void isQuietOnlyAfterNoWrongTryForTheGivenTime() {
        WrongTries tries = new WrongTries(3);
        tries.wrong(10 * SECOND);
        assertFalse(tries.quietFor(15 * SECOND, 10 * SECOND));
        assertTrue(tries.quietFor(20 * SECOND, 10 * SECOND));
    }
}
