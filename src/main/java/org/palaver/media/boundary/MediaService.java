package org.palaver.media.boundary;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.kurento.client.KurentoClient;
import org.palaver.media.control.Admission;
import org.palaver.media.control.KurentoConnection;
import org.palaver.media.control.MediaServer;
import org.palaver.media.control.OfferGate;
import org.palaver.media.control.Placement;
import org.palaver.media.control.SerialQueue;
import org.palaver.media.control.SfuRoom;
import org.palaver.recordings.boundary.Recordings;
import org.palaver.recordings.control.RecordingDirectory;
import org.palaver.media.entity.ServerLoad;
import org.palaver.platform.ProcessInstance;
import org.palaver.rooms.control.MediaPort;
import org.palaver.rooms.entity.MediaMode;
import org.palaver.rooms.entity.Room;
import org.palaver.rooms.entity.RoomException;
import org.palaver.rooms.entity.RoomId;
import org.palaver.rooms.entity.RoomMedia;
import org.palaver.protocol.IceCandidate;
import org.palaver.protocol.ServerMessage;

/**
 * The media server side of Kurento rooms: a session with each media server of
 * {@code palaver.kms.url} and one {@link SfuRoom} per Kurento room, each with its own
 * {@link SerialQueue}, on one media server at a time ({@link Placement} picks it; a room whose
 * server dies moves to another live one). Everything here returns at once; Kurento calls run on
 * the media worker threads, load readings and orphan sweeps on a thread of their own.
 */
@ApplicationScoped
@Typed(MediaService.class) // rooms get it as their MediaPort through MediaPorts
public class MediaService implements MediaPort {

    private static final Logger LOG = Logger.getLogger(MediaService.class.getName());
    /** Media calls are short RPCs; a few threads serve many rooms, one call per room at a time. */
    private static final int WORKERS = 4;
    /**
     * Media requests waiting per participant and per room. A joiner in a full room subscribes to
     * every other stream at once, with a few candidates each: 512 leaves room for that in a room of
     * 100, while a flood from one page is refused instead of starving everyone's media setup.
     */
    static final int WAITING_PER_PARTICIPANT = 512;
    static final int WAITING_PER_ROOM = 8192;
    /** Real ICE candidates are a line of under 200 characters; the bound keeps waiting ones small. */
    static final int MAX_CANDIDATE_CHARS = 1024;

    @Inject
    @ConfigProperty(name = "palaver.kms.url")
    Optional<String> kmsUrl;

    @Inject
    @ConfigProperty(name = "palaver.kms.connect-timeout", defaultValue = "PT5S")
    Duration connectTimeout;

    @Inject
    @ConfigProperty(name = "palaver.kms.retry-interval", defaultValue = "PT2S")
    Duration retryInterval;

    @Inject
    @ConfigProperty(name = "palaver.cluster.name", defaultValue = "palaver")
    String clusterName;

    /** How often orphaned pipelines are looked for (one is released when found at two sweeps in a row). */
    @Inject
    @ConfigProperty(name = "palaver.kms.sweep-interval", defaultValue = "PT30S")
    Duration sweepInterval;

    /** How many cameras each viewer of a Kurento room receives at most (the latest speakers'). */
    @Inject
    @ConfigProperty(name = "palaver.room.last-n", defaultValue = "9")
    int lastN;

    /** Percent CPU (of all its cores) from which a media server lets nobody new into its rooms. */
    @Inject
    @ConfigProperty(name = "palaver.kms.max-cpu", defaultValue = "85")
    float maxCpu;

    /** Elements (endpoints, mostly) a media server may hold before it lets nobody new in; 0: no such cap. */
    @Inject
    @ConfigProperty(name = "palaver.kms.max-elements", defaultValue = "0")
    int maxElements;

    @Inject
    Recordings recordings;

    @Resource
    ManagedThreadFactory threads;

    /** How often each media server is asked for its load. */
    static final Duration READ_EVERY = Duration.ofSeconds(5);

    private final ConcurrentMap<RoomId, Sfu> rooms = new ConcurrentHashMap<>();
    /** Tags this process's pipelines, so a sweep tells its own orphans from those of other processes. */
    @Inject
    ProcessInstance process;
    private List<MediaServer> servers = List.of();
    private ExecutorService workers;
    private ScheduledExecutorService loadReader;
    private String configProblem;
    private volatile Supplier<String> nodeId = () -> null;
    private volatile Predicate<String> liveInstance = instance -> true;
    private long lastSweep = System.nanoTime(); // load thread only
    /** Guards which server each room is on against the supervisors of several servers and new rooms. */
    private final Object placement = new Object();

    /** A Kurento room and the media server it is on now (another one once that one dies). */
    private static final class Sfu {
        final SfuRoom room;
        final SerialQueue queue;
        volatile MediaServer server;

        Sfu(SfuRoom room, SerialQueue queue, MediaServer server) {
            this.room = room;
            this.queue = queue;
            this.server = server;
        }

        KurentoClient client() {
            return server.connection().client();
        }

        OfferGate offers() {
            return server.connection().offers();
        }
    }

    /** Connect when the application starts, not when the first room is created. */
    void boot(@Observes @Initialized(ApplicationScoped.class) Object started) {
        // Touching the bean is enough: @PostConstruct does the work.
        configured();
    }

    @PostConstruct
    void start() {
        List<URI> urls;
        try {
            urls = urls(kmsUrl.orElse(""));
        } catch (IllegalArgumentException e) {
            configProblem = "palaver.kms.url is not a list of ws:// or wss:// URLs (" + e.getMessage() + ")";
            LOG.severe(configProblem + "; rooms are created in mesh mode");
            return;
        }
        if (urls.isEmpty()) {
            return;
        }
        workers = Executors.newFixedThreadPool(WORKERS, threads);
        List<MediaServer> made = new ArrayList<>();
        for (URI url : urls) {
            MediaServer[] self = new MediaServer[1];
            KurentoConnection connection = new KurentoConnection(url, connectTimeout, retryInterval, threads,
                    Executors.newSingleThreadScheduledExecutor(threads), new KurentoConnection.Events() {
                        @Override
                        public void sessionStarted() {
                            started(self[0]);
                        }

                        @Override
                        public void sessionLost() {
                            lost(self[0]);
                        }
                    });
            self[0] = new MediaServer(url, connection, connectTimeout);
            made.add(self[0]);
        }
        servers = List.copyOf(made);
        servers.forEach(s -> s.connection().start());
        loadReader = Executors.newSingleThreadScheduledExecutor(threads);
        loadReader.scheduleWithFixedDelay(this::readLoads, 1000, Math.min(READ_EVERY.toMillis(), sweepEvery()), TimeUnit.MILLISECONDS);
    }

    /** The configured list: comma-separated ws:// or wss:// URLs, each once. */
    static List<URI> urls(String configured) {
        Set<URI> urls = new LinkedHashSet<>();
        for (String part : configured.split(",")) {
            String url = part.strip();
            if (url.isEmpty()) {
                continue;
            }
            URI uri;
            try {
                uri = URI.create(url);
            } catch (IllegalArgumentException e) {
                uri = null;
            }
            if (uri == null || !"ws".equals(uri.getScheme()) && !"wss".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new IllegalArgumentException("'" + url + "' is not a ws:// or wss:// URL");
            }
            urls.add(uri);
        }
        return List.copyOf(urls);
    }

    /**
     * On a cluster node: tags pipelines with the node, and lets the sweep release those of processes
     * no node of the cluster runs any more ({@code live} says which do).
     */
    @Override
    public void nodes(Supplier<String> node, Predicate<String> live) {
        nodeId = node;
        liveInstance = live;
    }

    @PreDestroy
    void stop() {
        if (servers.isEmpty()) {
            return;
        }
        loadReader.shutdownNow();
        rooms.values().forEach(sfu -> sfu.queue.submit(sfu.room::closed));
        workers.shutdown();
        try {
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        servers.forEach(s -> s.connection().close());
    }

    /**
     * A media server session began: its rooms start over on it, and rooms left without one come to
     * it. Under the placement lock: another server's supervisor may be moving rooms right now.
     */
    private void started(MediaServer server) {
        synchronized (placement) {
            for (Sfu sfu : rooms.values()) {
                if (sfu.server == server) {
                    restartOn(sfu, server);
                } else if (!sfu.server.live()) {
                    move(sfu, server);
                }
            }
        }
    }

    /** A media server is gone: its rooms are rebuilt on another live one, or wait for it to come back. */
    private void lost(MediaServer server) {
        synchronized (placement) {
            for (Sfu sfu : rooms.values()) {
                if (sfu.server != server) {
                    continue;
                }
                Optional<MediaServer> other = choose(null);
                if (other.isPresent()) {
                    move(sfu, other.get());
                } else {
                    // unless a server that comes back meanwhile took the room
                    sfu.queue.submit(() -> {
                        if (sfu.server == server) {
                            sfu.room.interrupted();
                        }
                    });
                }
            }
        }
    }

    private void move(Sfu sfu, MediaServer to) {
        String from = sfu.server.url();
        sfu.server = to;
        to.placed();
        LOG.info(() -> "Room " + sfu.room.roomId() + " moves from media server " + from + " to " + to.url());
        restartOn(sfu, to);
    }

    /** Starts the room over on {@code server}, unless it has moved on by the time the step runs. */
    private static void restartOn(Sfu sfu, MediaServer server) {
        sfu.queue.submit(() -> {
            if (sfu.server == server) {
                sfu.room.restart();
            }
        });
    }

    /** The live media server for a room: {@code preferred} when live, else the least loaded. */
    private Optional<MediaServer> choose(String preferred) {
        Map<String, Long> here = rooms.values().stream()
                .collect(Collectors.groupingBy(sfu -> sfu.server.url(), Collectors.counting()));
        List<Placement.Candidate> candidates = servers.stream()
                .map(s -> s.candidate(here.getOrDefault(s.url(), 0L).intValue())).toList();
        return Placement.choose(candidates, preferred)
                .flatMap(c -> servers.stream().filter(s -> s.url().equals(c.url())).findFirst());
    }

    private long sweepEvery() {
        return Math.max(1000, sweepInterval.toMillis());
    }

    /** On the load thread: each live server's load, and its orphaned pipelines when a sweep is due. */
    private void readLoads() {
        long now = System.nanoTime();
        boolean sweep = now - lastSweep >= TimeUnit.MILLISECONDS.toNanos(sweepEvery());
        if (sweep) {
            lastSweep = now;
        }
        servers.forEach(server -> server.inspect(sweep, clusterName, (pipeline, tags) -> orphan(server, pipeline, tags)));
    }

    /**
     * A pipeline of this process whose room is no longer here on that server (it moved to another
     * media server, or ended while the session was lost), or one of a cluster node that left.
     */
    private boolean orphan(MediaServer server, String pipeline, Map<String, String> tags) {
        String made = tags.get(MediaServer.TAG_INSTANCE);
        if (process.id().equals(made)) {
            // Not the pipeline its room uses now: the room ended, moved to another server, or
            // started over (a new session, or a move there and back) and forgot this one.
            Sfu sfu = RoomId.parse(tags.get(MediaServer.TAG_ROOM)).map(rooms::get).orElse(null);
            return sfu == null || sfu.server != server || !pipeline.equals(sfu.room.pipelineId());
        }
        // another process's: only a cluster node's, once no node of the cluster runs that process
        return made != null && tags.containsKey(MediaServer.TAG_NODE) && nodeId.get() != null && !liveInstance.test(made);
    }

    /** Whether a media server is configured at all. */
    @Override
    public boolean configured() {
        return !servers.isEmpty() || configProblem != null;
    }

    /** Why Kurento rooms cannot be made right now; empty when they can (or no media server is configured). */
    public Optional<String> problem() {
        if (configProblem != null) {
            return Optional.of(configProblem);
        }
        if (servers.stream().anyMatch(MediaServer::live)) {
            return Optional.empty();
        }
        return servers.isEmpty() ? Optional.empty() : Optional.ofNullable(servers.size() == 1
                ? servers.get(0).connection().problem() : "no media server answers");
    }

    /** Each configured media server: its URL, whether it is live, why not, and its load. */
    public List<ServerStatus> servers() {
        return servers.stream().map(s -> new ServerStatus(s.url(), s.live(), Optional.ofNullable(s.connection().problem()),
                s.load(), (int) rooms.values().stream().filter(sfu -> sfu.server == s).count())).toList();
    }

    /** A media server as readiness reports it. */
    public record ServerStatus(String url, boolean live, Optional<String> problem, ServerLoad load, int rooms) {
    }

    /** The media mode of a room created now: Kurento when a media server is configured and reachable, else mesh. */
    @Override
    public MediaMode modeForNewRoom() {
        return servers.stream().anyMatch(MediaServer::live) ? MediaMode.KURENTO : MediaMode.MESH;
    }

    /** The media server a Kurento room of this node's is on. */
    @Override
    public Optional<String> serverOf(RoomId room) {
        return Optional.ofNullable(rooms.get(room)).map(sfu -> sfu.server.url());
    }

    /**
     * Takes a new Kurento room under this service's care, on {@code preferred} (the media server it
     * was on before this node took it over) when that one is live, else on the least-loaded one;
     * returns what the room tells its media side.
     */
    @Override
    public RoomMedia attach(Room room, Optional<String> preferred) {
        int cameras = Math.max(1, lastN); // each viewer's slots
        SerialQueue queue = new SerialQueue(workers, WAITING_PER_ROOM, WAITING_PER_PARTICIPANT);
        Sfu[] self = new Sfu[1];
        SfuRoom sfu = new SfuRoom(room.id().value(), new SfuRoom.People() {
            @Override
            public void deliver(String participantId, ServerMessage message) {
                room.deliver(participantId, message);
            }

            @Override
            public void deliverToAll(ServerMessage message) {
                room.deliverToAll(message);
            }

            @Override
            public boolean isPresent(String participantId) {
                return room.isPresent(participantId);
            }

            @Override
            public boolean isEmpty() {
                return room.size() == 0;
            }

            @Override
            public void recordingStopped() {
                room.recordingStopped();
            }
        }, () -> self[0].client(), () -> tags(room.id()), queue::submit, recordingParts(), cameras,
                () -> self[0].offers());
        synchronized (placement) { // a server lost right now must see this room, or this room must not pick it
            MediaServer server = choose(preferred.orElse(null)).orElseGet(() -> servers.get(0));
            server.placed();
            self[0] = new Sfu(sfu, queue, server);
            rooms.put(room.id(), self[0]);
        }
        Admission admission = new Admission(maxCpu, maxElements);
        return new RoomMedia() {
            @Override
            public void admitOneMore(int present) {
                MediaServer server = self[0].server;
                Optional<String> refusal = server.admit(admission, Admission.elementsForNewcomer(present, cameras));
                if (refusal.isPresent()) {
                    LOG.info(() -> "refused someone new in room " + room.id().value() + ": media server " + server.url()
                            + " is at capacity, " + refusal.get());
                    throw new RoomException("media-server-busy",
                            "This meeting's media server is at capacity: nobody new can join just now. Try again in a few minutes.");
                }
            }

            @Override
            public void joined(String participantId) {
                queue.submit(() -> sfu.joined(participantId));
            }

            @Override
            public void left(String participantId, boolean roomNowEmpty) {
                queue.submit(() -> sfu.left(participantId, roomNowEmpty));
            }

            @Override
            public void screenEnded(String participantId) {
                queue.submit(() -> sfu.screenEnded(participantId));
            }

            @Override
            public void audible(String participantId, boolean audible) {
                // always taken: a dropped unmute would leave someone unheard while every page shows them unmuted
                queue.submit(() -> sfu.audible(participantId, audible));
            }

            @Override
            public void camera(String participantId, boolean on) {
                queue.submit(() -> sfu.camera(participantId, on));
            }

            @Override
            public void resumed(String participantId) {
                queue.submit(() -> sfu.resumed(participantId));
            }

            @Override
            public void speaking(String participantId, boolean speaking) {
                // within the participant's bound of waiting requests: a page flooding these is dropped
                queue.offer(participantId, () -> sfu.speaking(participantId, speaking));
            }

            @Override
            public void pinned(String participantId, String pinnedId) {
                queue.offer(participantId, () -> sfu.pinned(participantId, pinnedId));
            }

            @Override
            public void recording(boolean on, String by) {
                queue.submit(() -> sfu.recording(on, by));
            }

            @Override
            public void closed() {
                rooms.remove(room.id());
                queue.submit(sfu::closed);
            }
        };
    }

    /** Parts named by room and start time in the recordings folder (a second apart at least), or null with recording off. */
    private SfuRoom.RecordingParts recordingParts() {
        RecordingDirectory directory = recordings == null ? null : recordings.directory().orElse(null);
        if (directory == null) {
            return null;
        }
        return new SfuRoom.RecordingParts() {
            @Override
            public Part start(String roomId) {
                java.time.Instant at = recordings.now();
                String id = RecordingDirectory.partId(roomId, at);
                while (java.nio.file.Files.exists(directory.file(id))) {
                    at = at.plusSeconds(1);
                    id = RecordingDirectory.partId(roomId, at);
                }
                return new Part(id, directory.uri(id));
            }

            @Override
            public void ended(String partId) {
                try {
                    directory.ended(partId, recordings.now());
                } catch (java.io.UncheckedIOException e) {
                    LOG.log(Level.WARNING, "could not note the end of recording part " + partId, e);
                }
            }
        };
    }

    private Map<String, String> tags(RoomId room) {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put(MediaServer.TAG_CLUSTER, clusterName);
        tags.put(MediaServer.TAG_INSTANCE, process.id());
        tags.put(MediaServer.TAG_ROOM, room.value());
        String node = nodeId.get();
        if (node != null) {
            tags.put(MediaServer.TAG_NODE, node);
        }
        return tags;
    }

    @Override
    public void publish(Room room, String participantId, String sdp, boolean screen) {
        request(room, participantId, sfu -> sfu.publish(participantId, sdp, screen));
    }

    @Override
    public void subscribe(Room room, String viewer, String stream, String sdp) {
        request(room, viewer, sfu -> sfu.subscribe(viewer, stream, sdp));
    }

    @Override
    public void candidate(Room room, String owner, String stream, IceCandidate candidate) {
        if (candidate.candidate().length() > MAX_CANDIDATE_CHARS) {
            room.deliver(owner, new ServerMessage.Error("bad-candidate",
                    "An ICE candidate can be at most " + MAX_CANDIDATE_CHARS + " characters."));
            return;
        }
        request(room, owner, sfu -> sfu.candidate(owner, stream, candidate));
    }

    /** Queues a participant's media request, or tells them to slow down when too many are waiting. */
    private void request(Room room, String participantId, Consumer<SfuRoom> step) {
        sfu(room).ifPresent(s -> {
            if (!s.queue.offer(participantId, () -> step.accept(s.room))) {
                room.deliver(participantId, new ServerMessage.Error("media-busy",
                        "Too many media requests are waiting; this one was dropped. Try again in a moment."));
            }
        });
    }

    private Optional<Sfu> sfu(Room room) {
        return Optional.ofNullable(rooms.get(room.id()));
    }
}
