package org.palaver.media.control;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.palaver.media.entity.ServerLoad;

/**
 * Which media server a Kurento room goes to. The preferred one (where the room was before a node
 * took it over) when it is live; otherwise the least-loaded live server: fewest elements (endpoints)
 * counting the rooms placed since its load was last read (a burst of new rooms spreads instead of
 * all landing on the server that looked emptiest), then fewest rooms of this node's on it. A server
 * at or over {@link #CPU_CAP} takes new rooms only when every live server is.
 */
public final class Placement {

    /** Percent CPU from which a media server is full enough to skip: video forwarding degrades beyond it. */
    public static final float CPU_CAP = 85f;

    /** One media server as placement sees it. */
    public record Candidate(String url, boolean live, ServerLoad load, int placedSinceRead, int roomsHere) {

        boolean underCap() {
            return load.cpuPercent() < CPU_CAP;
        }

        int weight() {
            return load.elements() + placedSinceRead;
        }
    }

    private static final Comparator<Candidate> LEAST_LOADED = Comparator.comparing(Candidate::underCap).reversed()
            .thenComparingInt(Candidate::weight)
            .thenComparingInt(Candidate::roomsHere);

    private Placement() {
    }

    /** The server for a room, or empty when none is live. Ties go to the one listed first. */
    public static Optional<Candidate> choose(List<Candidate> servers, String preferred) {
        List<Candidate> live = servers.stream().filter(Candidate::live).toList();
        Optional<Candidate> same = live.stream().filter(c -> c.url().equals(preferred)).findFirst();
        if (same.isPresent()) {
            return same;
        }
        return live.stream().min(LEAST_LOADED);
    }
}
