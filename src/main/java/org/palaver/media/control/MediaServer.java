package org.palaver.media.control;

import java.net.URI;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.palaver.media.entity.ServerLoad;

/**
 * One configured media server: the session its rooms use ({@link KurentoConnection}), the load it
 * last reported and the pipelines it holds that nobody uses any more. {@link #inspect} makes
 * blocking calls to the media server: run it on the media load thread only. It goes through a
 * short session of its own ({@link KmsSession}) each time: the media server answers one session's
 * requests one after the other ({@code getUsedCpu} takes its whole sampling interval, and the
 * rooms' requests would wait behind it), and keeps alive whatever a session has touched while
 * that session lives.
 */
public final class MediaServer {

    private static final Logger LOG = Logger.getLogger(MediaServer.class.getName());
    /** The CPU sample the media server takes when asked for its load. */
    static final int CPU_SAMPLE_MS = 500;

    /** Tags on every pipeline Palaver makes: which room, which process, which cluster node. */
    public static final String TAG_ROOM = "palaver.room";
    public static final String TAG_INSTANCE = "palaver.instance";
    public static final String TAG_NODE = "palaver.node";
    public static final String TAG_CLUSTER = "palaver.cluster";

    /** Whether a pipeline (its id and tags) is one nobody uses any more. */
    public interface Orphans {
        boolean orphaned(String pipelineId, Map<String, String> tags);
    }

    private final URI url;
    private final KurentoConnection connection;
    private final Duration timeout;
    private volatile ServerLoad load = ServerLoad.NONE;
    private final AtomicInteger placedSinceRead = new AtomicInteger();
    /** Elements the people let in since the last reading will add: counted until the next one shows them. */
    private final AtomicInteger promisedSinceRead = new AtomicInteger();
    /** Pipelines found orphaned by the last sweep: released when the next sweep finds them so again. */
    private Set<String> suspects = Set.of(); // load thread only

    public MediaServer(URI url, KurentoConnection connection, Duration timeout) {
        this.url = url;
        this.connection = connection;
        this.timeout = timeout;
    }

    public String url() {
        return url.toString();
    }

    public KurentoConnection connection() {
        return connection;
    }

    /** Whether the rooms' session with it is up. */
    public boolean live() {
        return connection.client() != null;
    }

    public ServerLoad load() {
        return load;
    }

    /** A room was placed here: counted until the next reading shows its endpoints. */
    public void placed() {
        placedSinceRead.incrementAndGet();
    }

    /**
     * Lets one more person in under {@code rule}, promising the {@code adding} elements they will
     * take; or says why not. Reads only what is in memory: safe under a room's lock.
     */
    public synchronized Optional<String> admit(Admission rule, int adding) {
        Optional<String> refusal = rule.refusal(load, promisedSinceRead.get(), adding);
        if (refusal.isEmpty()) {
            promisedSinceRead.addAndGet(adding);
        }
        return refusal;
    }

    public Placement.Candidate candidate(int roomsHere) {
        return new Placement.Candidate(url(), live(), load, placedSinceRead.get(), roomsHere);
    }

    /**
     * Reads the load (pipelines, their elements, CPU use) and, with {@code sweep}, releases the
     * pipelines of {@code cluster} that {@code orphans} calls orphaned at two sweeps in a row, so
     * that a pipeline being made, or one of a node just joining, is never taken for one. Untagged
     * pipelines and other clusters' are never touched. Blocks; returns how many it released.
     */
    public int inspect(boolean sweep, String cluster, Orphans orphans) {
        if (!live()) {
            load = ServerLoad.NONE; // read afresh once the rooms' session is back
            return 0;
        }
        int released = 0;
        try (KmsSession session = KmsSession.open(url, timeout)) {
            int placedBefore = placedSinceRead.get();
            int promisedBefore = promisedSinceRead.get();
            List<String> pipelines = session.pipelines();
            int elements = 0;
            Set<String> found = new HashSet<>();
            for (String pipeline : pipelines) {
                try {
                    elements += session.children(pipeline);
                    if (!sweep) {
                        continue;
                    }
                    Map<String, String> tags = session.tags(pipeline);
                    if (!cluster.equals(tags.get(TAG_CLUSTER)) || !tags.containsKey(TAG_ROOM) || !orphans.orphaned(pipeline, tags)) {
                        continue;
                    }
                    if (suspects.contains(pipeline)) {
                        session.release(pipeline);
                        released++;
                        LOG.info(() -> "released an orphaned pipeline of room " + tags.get(TAG_ROOM) + " on media server " + url);
                    } else {
                        found.add(pipeline);
                    }
                } catch (IllegalStateException gone) {
                    // released meanwhile
                }
            }
            if (sweep) {
                suspects = found;
            }
            float cpu = session.usedCpu(CPU_SAMPLE_MS);
            load = new ServerLoad(pipelines.size(), elements, cpu);
            placedSinceRead.addAndGet(-placedBefore); // rooms placed while reading count until the next one
            promisedSinceRead.addAndGet(-promisedBefore);
        } catch (Exception e) {
            LOG.log(Level.FINE, "could not read media server " + url, e);
        }
        return released;
    }
}
