package org.palaver.media.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SpeakersTest {

    @Test
    void theLatestToStartSpeaksAndHandsBackWhenTheyStop() {
        Speakers speakers = new Speakers();
        assertTrue(speakers.speaking("a", true));
        assertEquals("a", speakers.speaker());
        assertTrue(speakers.speaking("b", true));
        assertEquals("b", speakers.speaker());
        assertFalse(speakers.speaking("a", false), "a stopping while b speaks changes nothing");
        assertTrue(speakers.speaking("a", true));
        assertTrue(speakers.speaking("a", false), "back to b, still speaking");
        assertEquals("b", speakers.speaker());
        assertTrue(speakers.speaking("b", false));
        assertNull(speakers.speaker());
        assertFalse(speakers.speaking("nobody", false));
    }

    @Test
    void sayingItTwiceIsNoChange() {
        Speakers speakers = new Speakers();
        speakers.speaking("a", true);
        assertFalse(speakers.speaking("a", true));
    }
}
