package org.palaver.media.control;

import java.net.URI;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.kurento.client.KurentoClient;
import org.kurento.client.MediaObject;
import org.kurento.client.MediaPipeline;
import org.kurento.client.ServerManager;
import org.kurento.client.Tag;
import org.palaver.media.entity.ServerLoad;

/**
 * One configured media server: the session its rooms use ({@link KurentoConnection}), the load it
 * last reported and the pipelines it holds that nobody uses any more. {@link #read} and
 * {@link #sweep} make blocking calls to the media server: run them on the media load thread only.
 * They go through a second session of their own, because the media server answers one session's
 * requests one after the other: {@code getUsedCpu} takes its whole sampling interval, and the
 * rooms' requests would wait behind it.
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

    private final URI url;
    private final KurentoConnection connection;
    private final KurentoConnection monitor;
    private volatile ServerLoad load = ServerLoad.NONE;
    private final AtomicInteger placedSinceRead = new AtomicInteger();
    /** Pipelines found orphaned by the last sweep: released when the next sweep finds them so again. */
    private Set<String> suspects = Set.of(); // load thread only

    public MediaServer(URI url, KurentoConnection connection, KurentoConnection monitor) {
        this.url = url;
        this.connection = connection;
        this.monitor = monitor;
    }

    public void start() {
        connection.start();
        monitor.start();
    }

    public void close() {
        connection.close();
        monitor.close();
    }

    public String url() {
        return url.toString();
    }

    public KurentoConnection connection() {
        return connection;
    }

    /** Whether there is a session with it now. */
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

    public Placement.Candidate candidate(int roomsHere) {
        return new Placement.Candidate(url(), live(), load, placedSinceRead.get(), roomsHere);
    }

    /** Asks the media server for its pipelines, their elements and its CPU use. Blocks. */
    public void read() {
        KurentoClient client = monitor.client();
        if (client == null) {
            return;
        }
        if (!live()) {
            load = ServerLoad.NONE; // read afresh once the rooms' session is back
            return;
        }
        try {
            ServerManager manager = client.getServerManager();
            int placedBefore = placedSinceRead.get();
            List<MediaPipeline> pipelines = manager.getPipelines();
            int elements = 0;
            for (MediaPipeline pipeline : pipelines) {
                elements += children(pipeline);
            }
            float cpu = manager.getUsedCpu(CPU_SAMPLE_MS);
            load = new ServerLoad(pipelines.size(), elements, cpu);
            placedSinceRead.addAndGet(-placedBefore); // rooms placed while reading count until the next one
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "could not read the load of media server " + url, e);
        }
    }

    private static int children(MediaPipeline pipeline) {
        try {
            return pipeline.getChildren().size();
        } catch (RuntimeException e) {
            return 0; // released meanwhile
        }
    }

    /**
     * Releases pipelines Palaver made that nobody uses: those {@code orphan} says so of (by their
     * tags) at two sweeps in a row, so a pipeline being made or a node just joining is never taken
     * for one. Untagged pipelines and other clusters' are never touched. Blocks; returns how many
     * it released.
     */
    public int sweep(String cluster, Predicate<Map<String, String>> orphan) {
        KurentoClient client = monitor.client();
        if (client == null) {
            return 0;
        }
        int released = 0;
        Set<String> found = new HashSet<>();
        try {
            for (MediaPipeline pipeline : client.getServerManager().getPipelines()) {
                Map<String, String> tags = tags(pipeline);
                if (!cluster.equals(tags.get(TAG_CLUSTER)) || !orphan.test(tags)) {
                    continue;
                }
                String id = pipeline.getId();
                if (suspects.contains(id)) {
                    if (release(pipeline)) {
                        released++;
                        LOG.info(() -> "released orphaned pipeline of room " + tags.get(TAG_ROOM) + " on media server " + url);
                    }
                } else {
                    found.add(id);
                }
            }
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "could not sweep media server " + url, e);
        }
        suspects = found;
        return released;
    }

    private static Map<String, String> tags(MediaObject object) {
        try {
            return object.getTags().stream().collect(Collectors.toMap(Tag::getKey, Tag::getValue, (a, b) -> b));
        } catch (RuntimeException e) {
            return Map.of(); // released meanwhile
        }
    }

    private static boolean release(MediaObject object) {
        try {
            object.release();
            return true;
        } catch (RuntimeException e) {
            return false; // released meanwhile
        }
    }
}
