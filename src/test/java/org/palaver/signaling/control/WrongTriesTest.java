package org.palaver.signaling.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class WrongTriesTest {

    private static final long SECOND = 1_000_000_000L;

    private static void wrongTry(WrongTries tries, long now) {
        assertEquals(0, tries.begin(now));
        tries.end(now, true);
    }

    @Test
    void freeTriesAreAnsweredAtOnceThenEachWaitDoublesUpTo64Seconds() {
        WrongTries tries = new WrongTries(3);
        long now = 0;
        wrongTry(tries, now);
        wrongTry(tries, now);
        wrongTry(tries, now);
        assertEquals(2, tries.begin(now));
        assertEquals(1, tries.begin(now + SECOND + 1), "rounded up to whole seconds");
        long[] expected = {4, 8, 16, 32, 64, 64};
        for (long wait : expected) {
            now += 100 * SECOND;
            wrongTry(tries, now);
            assertEquals(wait, tries.begin(now));
        }
    }

    @Test
    void triesUnderWayDoNotUseUpTheAllowance() {
        // Twenty people behind one proxy joining at once with the right passcode: none was wrong.
        WrongTries tries = new WrongTries(10);
        for (int i = 0; i < 20; i++) {
            assertEquals(0, tries.begin(0), "try " + i + " while the others are still judged");
        }
        for (int i = 0; i < 20; i++) {
            tries.end(0, false);
        }
        assertEquals(0, tries.begin(0));
    }

    @Test
    void pastTheAllowanceOnlyOneTryAtATimeGoesThrough() {
        WrongTries tries = new WrongTries(2);
        wrongTry(tries, 0);
        wrongTry(tries, 0);
        assertEquals(2, tries.begin(0), "the allowance is used up: wait");
        long later = 10 * SECOND;
        assertEquals(0, tries.begin(later));
        assertEquals(1, tries.begin(later), "while that try is judged, the next one waits");
        tries.end(later, false);
        assertEquals(0, tries.begin(later), "a try that was not wrong frees the turn at once");
    }

    @Test
    void isForgettableOnlyWhenQuietAndNoTryIsUnderWay() {
        WrongTries tries = new WrongTries(3);
        wrongTry(tries, 10 * SECOND);
        assertFalse(tries.forgettable(15 * SECOND, 10 * SECOND));
        assertTrue(tries.forgettable(20 * SECOND, 10 * SECOND));
        tries.begin(20 * SECOND);
        assertFalse(tries.forgettable(30 * SECOND, 10 * SECOND), "a try under way");
    }
}
