package org.palaver.media.control;

import java.util.Optional;
import org.palaver.media.entity.ServerLoad;

/**
 * Whether a media server takes one more person into a room on it. A room that outgrows its media
 * server is refused at the door with a clear error, instead of everyone's video degrading: the
 * server's CPU as it last reported it must be under {@code maxCpu} percent, and, with
 * {@code maxElements} set (above 0), its elements plus those promised to people let in since that
 * reading plus the newcomer's must stay within it. The CPU reading is up to a few seconds old, so
 * the promise counts a burst of joins that the reading cannot yet show.
 */
public record Admission(float maxCpu, int maxElements) {

    /**
     * The elements a newcomer adds to a Kurento room of {@code present} people where each viewer
     * receives at most {@code lastN} cameras: their publishing endpoint, their mix endpoint and its
     * hub port, a slot for each camera they will see, and one more slot for every viewer who sees
     * fewer than {@code lastN} cameras yet. A screen share or a recording adds more; they are rare.
     */
    public static int elementsForNewcomer(int present, int lastN) {
        return 3 + Math.min(lastN, present) + (present <= lastN ? present : 0);
    }

    /** Why the newcomer cannot come in now, or empty when they can. */
    public Optional<String> refusal(ServerLoad load, int promised, int adding) {
        if (load.cpuPercent() >= maxCpu) {
            return Optional.of(String.format("its CPU is at %.0f %% (the limit is %.0f %%)", load.cpuPercent(), maxCpu));
        }
        if (maxElements > 0 && load.elements() + promised + adding > maxElements) {
            return Optional.of("it holds " + (load.elements() + promised) + " elements, and " + adding
                    + " more would pass the limit of " + maxElements);
        }
        return Optional.empty();
    }
}
