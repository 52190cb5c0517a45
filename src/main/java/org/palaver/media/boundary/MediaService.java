package org.palaver.media.boundary;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.palaver.media.control.KurentoConnection;
import org.palaver.media.control.SerialQueue;
import org.palaver.media.control.SfuRoom;
import org.palaver.rooms.entity.Room;
import org.palaver.rooms.entity.RoomId;
import org.palaver.rooms.entity.RoomMedia;
import org.palaver.signaling.entity.IceCandidate;
import org.palaver.signaling.entity.ServerMessage;

/**
 * The media server side of Kurento rooms: the session with Kurento ({@code palaver.kms.url}) and
 * one {@link SfuRoom} per Kurento room, each with its own {@link SerialQueue}. Everything here
 * returns at once; Kurento calls run on the media worker threads.
 */
@ApplicationScoped
public class MediaService {

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

    @Resource
    ManagedThreadFactory threads;

    private final ConcurrentMap<RoomId, Sfu> rooms = new ConcurrentHashMap<>();
    private ExecutorService workers;
    private KurentoConnection connection;
    private String configProblem;

    private record Sfu(SfuRoom room, SerialQueue queue) {
    }

    /** Connect when the application starts, not when the first room is created. */
    void boot(@Observes @Initialized(ApplicationScoped.class) Object started) {
        // Touching the bean is enough: @PostConstruct does the work.
        configured();
    }

    @PostConstruct
    void start() {
        String url = kmsUrl.map(String::strip).orElse("");
        if (url.isEmpty()) {
            return;
        }
        URI uri;
        try {
            uri = URI.create(url);
            if (!"ws".equals(uri.getScheme()) && !"wss".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new IllegalArgumentException("not a ws:// or wss:// URL");
            }
        } catch (IllegalArgumentException e) {
            configProblem = "palaver.kms.url is not a ws:// or wss:// URL";
            LOG.severe(configProblem + ": " + url + "; rooms are created in mesh mode");
            return;
        }
        workers = Executors.newFixedThreadPool(WORKERS, threads);
        connection = new KurentoConnection(uri, connectTimeout, retryInterval, threads,
                Executors.newSingleThreadScheduledExecutor(threads), new KurentoConnection.Events() {
                    @Override
                    public void sessionStarted() {
                        rooms.values().forEach(sfu -> sfu.queue().submit(sfu.room()::restart));
                    }

                    @Override
                    public void sessionLost() {
                        rooms.values().forEach(sfu -> sfu.queue().submit(sfu.room()::interrupted));
                    }
                });
        connection.start();
    }

    @PreDestroy
    void stop() {
        if (connection == null) {
            return;
        }
        rooms.values().forEach(sfu -> sfu.queue().submit(sfu.room()::closed));
        workers.shutdown();
        try {
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        connection.close();
    }

    /** Whether a media server is configured at all. */
    public boolean configured() {
        return connection != null || configProblem != null;
    }

    /** Why Kurento rooms cannot be made right now; empty when they can (or no media server is configured). */
    public Optional<String> problem() {
        if (configProblem != null) {
            return Optional.of(configProblem);
        }
        return connection == null ? Optional.empty() : Optional.ofNullable(connection.problem());
    }

    /** The media mode of a room created now: Kurento when configured and reachable, else mesh. */
    public String modeForNewRoom() {
        return connection != null && connection.client() != null ? Room.KURENTO : Room.MESH;
    }

    /** Takes a new Kurento room under this service's care; returns what the room tells its media side. */
    public RoomMedia attach(Room room) {
        SerialQueue queue = new SerialQueue(workers, WAITING_PER_ROOM, WAITING_PER_PARTICIPANT);
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
        }, () -> connection == null ? null : connection.client(), queue::submit);
        rooms.put(room.id(), new Sfu(sfu, queue));
        return new RoomMedia() {
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
            public void closed() {
                rooms.remove(room.id());
                queue.submit(sfu::closed);
            }
        };
    }

    public void publish(Room room, String participantId, String sdp, boolean screen) {
        request(room, participantId, sfu -> sfu.publish(participantId, sdp, screen));
    }

    public void subscribe(Room room, String viewer, String stream, String sdp) {
        request(room, viewer, sfu -> sfu.subscribe(viewer, stream, sdp));
    }

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
            if (!s.queue().offer(participantId, () -> step.accept(s.room()))) {
                room.deliver(participantId, new ServerMessage.Error("media-busy",
                        "Too many media requests are waiting; this one was dropped. Try again in a moment."));
            }
        });
    }

    private Optional<Sfu> sfu(Room room) {
        return Optional.ofNullable(rooms.get(room.id()));
    }
}
