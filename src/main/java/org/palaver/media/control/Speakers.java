package org.palaver.media.control;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Who speaks in a room, as its pages say: the speaker is whoever started last among those still
 * speaking (someone who stops hands it back to the one before). Plain data.
 */
final class Speakers {

    /** Those speaking now, in the order they started. */
    private final Set<String> talking = new LinkedHashSet<>();
    private String speaker;

    /** {@code id} started ({@code true}) or stopped speaking, or left; whether the speaker changed. */
    boolean speaking(String id, boolean on) {
        talking.remove(id);
        if (on) {
            talking.add(id);
        }
        String now = null;
        for (String last : talking) {
            now = last;
        }
        boolean changed = !java.util.Objects.equals(now, speaker);
        speaker = now;
        return changed;
    }

    /** The speaker now, or null. */
    String speaker() {
        return speaker;
    }
}
