package org.palaver.rooms.boundary;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.palaver.cluster.boundary.RoomPlacement;
import org.palaver.cluster.control.Requests;
import org.palaver.cluster.entity.RoomEntry;
import org.palaver.platform.LimitExceeded;
import org.palaver.platform.OnceLog;
import org.palaver.rooms.control.MediaPort;
import org.palaver.rooms.control.ResumeTokens;
import org.palaver.rooms.entity.MediaMode;
import org.palaver.rooms.entity.Mailbox;
import org.palaver.rooms.entity.ResumeClaims;
import org.palaver.rooms.entity.CreatedRoom;
import org.palaver.rooms.entity.HostKey;
import org.palaver.rooms.entity.Passcode;
import org.palaver.rooms.entity.Room;
import org.palaver.rooms.entity.RoomException;
import org.palaver.rooms.entity.RoomId;
import org.palaver.recordings.boundary.Recordings;
import org.palaver.recordings.control.RecordingDirectory;
import org.palaver.signin.boundary.SignIn;
import org.palaver.signin.entity.Member;
import org.palaver.signin.entity.PassCheck;
import org.palaver.rooms.entity.RoomMoving;
import org.palaver.rooms.entity.RoomSnapshot;
import org.palaver.rooms.entity.Seat;
import org.palaver.protocol.IceCandidate;
import org.palaver.protocol.ServerMessage;

/**
 * The rooms of this server. Creating, finding and removing rooms goes through one concurrent map
 * with atomic operations only; everything inside a room is the room's own business (see
 * {@link Room}). A clock tick removes participants whose reconnect grace ran out and rooms that
 * stayed empty for {@code palaver.room.empty-ttl}.
 */
@ApplicationScoped
public class RoomService {

    private static final Logger LOG = Logger.getLogger(RoomService.class.getName());

    @Inject
    @ConfigProperty(name = "palaver.mesh.max-participants", defaultValue = "8")
    int meshMaxParticipants;

    @Inject
    @ConfigProperty(name = "palaver.room.max-participants", defaultValue = "100")
    int kurentoMaxParticipants;

    @Inject
    MediaPort media;

    @Inject
    @ConfigProperty(name = "palaver.room.empty-ttl", defaultValue = "PT5M")
    Duration emptyTtl;

    @Inject
    @ConfigProperty(name = "palaver.reconnect.grace", defaultValue = "PT15S")
    Duration reconnectGrace;

    @Inject
    @ConfigProperty(name = "palaver.limits.max-rooms", defaultValue = "10000")
    int maxRooms;

    @Inject
    @ConfigProperty(name = "palaver.secret")
    Optional<String> secret;

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Inject
    SignIn signIn;

    @Inject
    Recordings recordings;

    @Inject
    RoomPlacement grid;

    /** How long a node waits for the owner of a room to say how the room is. */
    static final Duration ASK_OWNER = Duration.ofSeconds(3);
    /** Only on a cluster node: the room JSON other nodes ask for, the same as the REST API's. */
    private Jsonb json;

    ResumeTokens tokens = ResumeTokens.random();

    Clock clock = Clock.systemUTC();

    private final ConcurrentMap<RoomId, Room> rooms = new ConcurrentHashMap<>();
    /**
     * Rooms rebuilt after the restart that then expired here: tokens of the earlier start must not
     * bring them back. Needed only while such tokens are young enough to rebuild a room.
     */
    private final Set<RoomId> expiredRebuilt = ConcurrentHashMap.newKeySet();
    static final int EXPIRED_REBUILT_LIMIT = 100_000;
    private final Instant started = Instant.now();
    private final OnceLog limitLog = new OnceLog(LOG);
    private ScheduledFuture<?> ticking;

    @PostConstruct
    void start() {
        if (secret.isPresent() && !secret.get().isBlank()) {
            tokens = ResumeTokens.of(secret.get());
        } else {
            LOG.warning("palaver.secret is not set: using a random one, so meetings cannot resume after a restart"
                    + (grid != null && grid.clustered() ? " nor come back on another node when their node dies" : "")
                    + ". Set PALAVER_SECRET to a long random string" + (grid != null && grid.clustered() ? ", the same on every node." : "."));
        }
        startClock();
        if (grid != null && grid.clustered()) {
            json = JsonbBuilder.create();
            grid.answerWith(id -> find(id).map(json::toJson));
            grid.createWith((passcode, membersOnly) -> Optional.of(createdJson(create(passcode, membersOnly))));
            media.nodes(this::nodeOnceJoined, grid::liveInstance);
        }
    }

    private boolean clustered() {
        return json != null;
    }

    /**
     * A room made for another node: the room's JSON with its host secret beside the other fields,
     * so that a node of the release before hosts reads it as the room JSON it knows (and one of
     * this release reading such a node's answer finds no secret: the room then has no host link).
     */
    private String createdJson(CreatedRoom created) {
        JsonObject room = Json.createReader(new StringReader(json.toJson(created.room()))).readObject();
        return Json.createObjectBuilder(room).add("hostSecret", created.hostSecret()).build().toString();
    }

    /** This node's id in the cluster, or null until it joined. */
    private String nodeOnceJoined() {
        try {
            return grid.nodeId();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private void startClock() {
        if (scheduler != null) {
            long period = Math.max(100, Math.min(1000, Math.min(emptyTtl.toMillis(), reconnectGrace.toMillis()) / 4));
            ticking = scheduler.scheduleWithFixedDelay(this::tickSafely, period, period, TimeUnit.MILLISECONDS);
        }
    }

    @PreDestroy
    void stopClock() {
        if (ticking != null) {
            ticking.cancel(false);
        }
        if (json != null) {
            try {
                json.close();
            } catch (Exception e) {
                LOG.log(Level.FINE, "closing JSON-B", e);
            }
        }
    }

    public CreatedRoom create() {
        return create(Optional.empty());
    }

    public CreatedRoom create(Optional<String> passcode) {
        return create(passcode, false);
    }

    /** {@code membersOnly}: only people signed in with the company's provider come straight in. */
    public CreatedRoom create(Optional<String> passcode, boolean membersOnly) {
        if (clustered() && grid.draining()) {
            return createElsewhere(passcode, membersOnly);
        }
        Passcode code = passcode.map(Passcode::of).orElse(null);
        // Checked, not reserved: two creations at the limit may both pass; the bound is a guard, not an invariant.
        if (rooms.size() >= maxRooms) {
            limitLog.warn("max-rooms", "room limit reached (palaver.limits.max-rooms=" + maxRooms + ")");
            throw new LimitExceeded("too-many-rooms", "This server has as many rooms as it may hold; try again later.", 503, 60);
        }
        Instant now = clock.instant();
        while (true) {
            // 128 random bits never collide in practice; putIfAbsent makes sure of it anyway.
            HostKey.Issued host = HostKey.create();
            Room fresh = newRoom(RoomId.random(), code, host.key(), membersOnly, false, now, media.modeForNewRoom(),
                    Optional.empty());
            if (rooms.putIfAbsent(fresh.id(), fresh) == null) {
                if (clustered()) {
                    claim(fresh);
                }
                return new CreatedRoom(snapshot(fresh), host.secret());
            }
        }
    }

    /**
     * A draining node takes no new rooms: the least busy serving node makes it (the passcode
     * crosses the cluster network, like every room's signaling), and the page goes there through
     * any node.
     */
    private CreatedRoom createElsewhere(Optional<String> passcode, boolean membersOnly) {
        passcode.ifPresent(Passcode::check); // refused here, as the other node would refuse it
        LimitExceeded unavailable = new LimitExceeded("node-draining",
                "This server is being taken out of service and no other can take the room; try again.", 503, 5);
        String node = null;
        try {
            node = grid.servingNode().orElseThrow(() -> unavailable);
            String made = grid.createOn(node, passcode, membersOnly, ASK_OWNER).orElseThrow(() -> unavailable);
            return new CreatedRoom(json.fromJson(made, RoomSnapshot.class),
                    Json.createReader(new StringReader(made)).readObject().getString("hostSecret", null));
        } catch (Requests.NoAnswer e) {
            // a room the other node makes after this gives up stays unused and expires there
            LOG.log(Level.WARNING, "node " + node + " did not make the room this draining node asked for: " + e.getMessage());
            throw unavailable;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable;
        } catch (LimitExceeded e) {
            throw e;
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not have another node make a room", e);
            throw unavailable;
        }
    }

    /**
     * Drains this node (a cluster node only): it takes no new rooms (others make them), and each
     * of its rooms is released in the grid and handed over: its sockets are closed so the pages
     * reconnect, through any node, and the first resume on another node rebuilds the room there
     * under the same ids (as when a node dies, without waiting for it). Returns how many rooms it
     * handed over.
     */
    public int drain() {
        if (!clustered()) {
            throw new IllegalStateException("only a cluster node drains");
        }
        grid.drain(true);
        int count = handOver();
        LOG.info(() -> "Draining: handed " + count + " room(s) over to the other nodes; taking no new rooms");
        return count;
    }

    /**
     * Hands over every room with someone in it; an empty one (made, its link not used yet) has no
     * page to rebuild it elsewhere, so it stays until someone joins (then the next clock tick
     * hands it over) or it expires. Also catches a room made or taken over here while the drain
     * began.
     */
    private int handOver() {
        int handedOver = 0;
        for (Room room : rooms.values()) {
            if (!room.occupied()) {
                continue;
            }
            try {
                grid.release(room.id().value());
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "could not release room " + room.id().value() + " in the cluster; it moves once this node is gone", e);
                continue;
            }
            if (rooms.remove(room.id(), room)) {
                room.handOver();
                handedOver++;
            }
        }
        return handedOver;
    }

    /** Takes new rooms again (a drain called off); the rooms it handed over stay where they went. */
    public void serve() {
        if (clustered()) {
            grid.drain(false);
            LOG.info("Serving again: taking new rooms");
        }
    }

    /** Whether this node drains. */
    public boolean draining() {
        return clustered() && grid.draining();
    }

    /**
     * A room in the media mode of the moment: Kurento when a media server is configured and up.
     * (A Kurento room is known to the media side from here on; an id collision, which 128 random
     * bits never produce, would only leave an unused entry there.)
     */
    private Room newRoom(RoomId id, Passcode code, HostKey hostKey, boolean membersOnly, boolean restored, Instant now,
                         MediaMode mode, Optional<String> mediaServer) {
        boolean kurento = mode == MediaMode.KURENTO;
        Room room = new Room(id, mode, kurento ? kurentoMaxParticipants : meshMaxParticipants, reconnectGrace, emptyTtl,
                code, hostKey, membersOnly, tokens, restored, now);
        if (kurento) {
            room.attach(media.attach(room, mediaServer));
        }
        return room;
    }

    /** On a cluster node: the grid says this room is this node's, so any node sends its sockets here. */
    private void claim(Room room) {
        boolean mine;
        try {
            String server = media.serverOf(room.id()).orElse(null);
            mine = grid.claim(room.id().value(), server, room.media().wire()).filter(this::ownedHere).isPresent();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not register a new room in the cluster", e);
            mine = false;
        }
        if (!mine) {
            rooms.remove(room.id(), room);
            room.expire(Instant.MAX); // an empty room: closes it and releases its media
            throw new LimitExceeded("cluster-unavailable", "This server is not connected to the others yet; try again.", 503, 5);
        }
    }

    private boolean ownedHere(RoomEntry entry) {
        return entry.ownedBy(grid.nodeId());
    }

    /**
     * A mesh room taken over from another node stays mesh: its pages' media never stopped flowing
     * browser to browser, and moving it to a media server now would only interrupt it.
     */
    private MediaMode keptMode(RoomId id, MediaMode available) {
        try {
            return grid.entry(id.value()).filter(entry -> MediaMode.MESH.wire().equals(entry.mode())).map(entry -> MediaMode.MESH)
                    .orElse(available);
        } catch (RuntimeException e) {
            return available; // the claim right after it says what is wrong with the grid
        }
    }

    /**
     * On a cluster node, before rebuilding a room a token vouches for: takes the room over from a
     * node that left. Refused for a room that ended; another live node that holds the room (it took
     * it over first) gets the page on its next connection. Returns the media server the room was
     * on, to rebuild it there while that one is live.
     */
    private Optional<String> takeOver(RoomId id, MediaMode mode) {
        Optional<RoomEntry> entry;
        try {
            entry = grid.claim(id.value(), null, mode.wire());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not take over room " + id.value() + " in the cluster", e);
            throw new RoomMoving("cluster-unavailable", "This server is not connected to the others yet; reconnecting.");
        }
        if (entry.isEmpty()) {
            throw notFound();
        }
        if (!ownedHere(entry.get())) {
            throw new RoomMoving("room-moved", "This room is now held by another server; reconnecting.");
        }
        LOG.info(() -> "Room " + id.value() + " taken over from a node that left (epoch " + entry.get().epoch() + ")");
        return Optional.ofNullable(entry.get().mediaServer());
    }

    public Optional<RoomSnapshot> find(String id) {
        return room(id).map(this::snapshot);
    }

    /**
     * A room another node owns, as that node shows it (the JSON of its snapshot), asked over the
     * grid; empty when no live node owns it. A single node never asks.
     */
    public Optional<String> findElsewhere(String id) {
        if (!clustered() || RoomId.parse(id).isEmpty()) {
            return Optional.empty();
        }
        Optional<String> owner = grid.ownerElsewhere(id);
        if (owner.isEmpty()) {
            if (grid.moving(id)) {
                // its node left a moment ago: the first page that resumes brings it back on a live node
                throw new LimitExceeded("room-moving", "This room is moving to another server; try again in a moment.", 503, 2);
            }
            return Optional.empty();
        }
        try {
            return grid.ask(owner.get(), id, ASK_OWNER);
        } catch (Requests.NoAnswer e) {
            LOG.log(Level.WARNING, "node " + owner.get() + " did not say how room " + id + " is: " + e.getMessage());
            throw new LimitExceeded("owner-unavailable", "The server holding this room does not answer; try again.", 503, 5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LimitExceeded("owner-unavailable", "The server holding this room does not answer; try again.", 503, 5);
        }
    }

    private RoomSnapshot snapshot(Room room) {
        RoomSnapshot snapshot = room.snapshot();
        if (room.media() == MediaMode.MESH && media.configured()) {
            return snapshot.withMediaFallback("The media server was unavailable when this room was created,"
                    + " so its media goes browser to browser.");
        }
        return snapshot;
    }

    public int roomCount() {
        return rooms.size();
    }

    public Seat join(String roomId, String name, Mailbox mailbox) {
        return join(roomId, name, null, null, mailbox, seat -> { }).orElseThrow(
                () -> new RoomException("lobby-waiting", "This room's hosts let people in one by one."));
    }

    /** Throws what a join would throw for reasons that cost nothing to check; true when it needs a passcode hash. */
    public boolean precheckJoin(String roomId, String name, String passcode, String hostSecret) {
        return precheckJoin(roomId, name, null, passcode, hostSecret);
    }

    /** As above; {@code memberPass}: the member pass the page sent, or null for a guest. */
    public boolean precheckJoin(String roomId, String name, String memberPass, String passcode, String hostSecret) {
        Optional<Member> member = member(memberPass);
        return require(roomId).precheck(member.map(Member::name).orElse(name), passcode, hostSecret);
    }

    /**
     * {@code hostSecret}: the secret of the room's host link, or null; a host needs no passcode.
     * Empty when the joiner waits in the lobby: {@code seated} gets the seat once a host lets them in.
     */
    public Optional<Seat> join(String roomId, String name, String passcode, String hostSecret, Mailbox mailbox,
                               java.util.function.Consumer<Seat> seated) {
        return join(roomId, name, null, passcode, hostSecret, mailbox, seated);
    }

    /**
     * As above; {@code memberPass}: the member pass the page sent, or null for a guest. A member's
     * name is the one their identity provider gave, whatever the page sent; a pass that ran out or
     * does not verify is refused ({@code sign-in-expired}, {@code sign-in-invalid}), never taken
     * for a guest's join: the page says so and its person decides.
     */
    public Optional<Seat> join(String roomId, String name, String memberPass, String passcode, String hostSecret,
                               Mailbox mailbox, java.util.function.Consumer<Seat> seated) {
        Optional<Member> member = member(memberPass);
        Room room = require(roomId);
        if (!room.opensAsHost(hostSecret)) {
            room.checkPasscode(passcode);
        }
        return room.join(member.map(Member::name).orElse(name), member.isPresent(), hostSecret, mailbox, seated);
    }

    private Optional<Member> member(String memberPass) {
        if (memberPass == null || signIn == null) {
            return Optional.empty();
        }
        PassCheck check = signIn.check(memberPass);
        if (check.refused()) {
            throw new RoomException(check.refusal(), check.message());
        }
        return check.member();
    }

    /**
     * A host starts or stops recording. The room's host key goes beside the recordings first (no
     * file is written under the room's lock), so its hosts can list them after the room is gone.
     */
    public void record(Seat seat, boolean on) {
        if (on) {
            RecordingDirectory directory = recordings == null ? null : recordings.directory().orElse(null);
            if (directory == null) {
                throw new RoomException("recording-off", "Recording is not set up on this server.");
            }
            seat.room().requireRecordable(seat); // refused before any file is written
            HostKey key = seat.room().hostKey();
            if (key != null) {
                try {
                    directory.rememberHostKey(seat.room().id().value(), key.encoded());
                } catch (java.io.UncheckedIOException e) {
                    LOG.log(Level.WARNING, "cannot write to the recordings folder " + directory.dir(), e);
                    throw new RoomException("recording-failed", "The server cannot write recordings just now; tell its admin.");
                }
            }
        }
        seat.room().record(seat, on);
    }

    public void claimHost(Seat seat) {
        seat.room().claimHost(seat);
    }

    /** The socket waiting in the lobby of {@code roomId} closed or left. */
    public void leaveLobby(String roomId, Mailbox mailbox) {
        room(roomId).ifPresent(room -> room.leaveLobby(mailbox));
    }

    public void setLobby(Seat seat, boolean on) {
        seat.room().setLobby(seat, on);
    }

    public void admit(Seat seat, String waitId) {
        seat.room().admitFromLobby(seat, waitId);
    }

    public void deny(Seat seat, String waitId) {
        seat.room().denyFromLobby(seat, waitId);
    }

    /**
     * Resumes a seat. A room this server does not know is rebuilt only when it was lost by a
     * restart, or, on several nodes, with the node that held it: from a valid token for that very
     * room issued by an earlier start or another node, unless the room was rebuilt and expired
     * since (on several nodes: unless it ended anywhere), and within
     * {@code palaver.limits.max-rooms}. An invalid token cannot conjure a room, and a room that
     * expired stays gone.
     */
    public Seat resume(String roomId, String token, Mailbox mailbox) {
        RoomId id = RoomId.parse(roomId).orElseThrow(RoomService::notFound);
        Optional<ResumeClaims> claims = tokens.verify(token, clock.instant()).filter(c -> c.room().equals(id));
        Room room = rooms.get(id);
        if (room == null) {
            if (clustered() && grid.draining() && claims.isPresent()) {
                // its room may well be one this node just handed over: another node rebuilds it
                throw new RoomMoving("node-draining", "This server is being taken out of service; reconnecting to another.");
            }
            ResumeClaims vouched = claims.filter(ResumeClaims::earlierStart).orElseThrow(RoomService::notFound);
            if (expiredRebuilt.contains(id) || expiredRebuilt.size() >= EXPIRED_REBUILT_LIMIT) {
                throw notFound();
            }
            if (rooms.size() >= maxRooms) {
                limitLog.warn("max-rooms", "room limit reached (palaver.limits.max-rooms=" + maxRooms + ")");
                throw new RoomException("too-many-rooms", "This server has as many rooms as it may hold; try again later.");
            }
            MediaMode mode = media.modeForNewRoom();
            Optional<String> mediaServer = Optional.empty();
            if (clustered()) {
                mode = keptMode(id, mode);
                mediaServer = takeOver(id, mode);
            }
            MediaMode chosen = mode;
            Optional<String> server = mediaServer;
            room = rooms.computeIfAbsent(id, key -> newRoom(key, vouched.passcode(), vouched.hostKey(), vouched.membersOnly(), true, clock.instant(),
                    chosen, server));
        }
        return room.resume(token, mailbox, claims);
    }

    public void relay(Seat from, String targetId, ServerMessage message) {
        from.room().relay(from, targetId, message);
    }

    public void chat(Seat seat, String text) {
        seat.room().chat(seat, text, clock.instant());
    }

    public void shareScreen(Seat seat, boolean sharing, String streamId) {
        seat.room().shareScreen(seat, sharing, streamId);
    }

    public void raiseHand(Seat seat, boolean raised) {
        seat.room().raiseHand(seat, raised);
    }

    /** Kurento rooms: the seat's participant started or stopped speaking (mesh rooms need no word of it). */
    public void speaking(Seat seat, boolean speaking) {
        seat.room().speaking(seat, speaking);
    }

    /** Kurento rooms: the seat's participant pins another's camera into their slots, or unpins ({@code null}). */
    public void pin(Seat seat, String participantId) {
        seat.room().pin(seat, participantId);
    }

    public void muteParticipant(Seat seat, String participantId) {
        seat.room().muteParticipant(seat, participantId);
    }

    public void muteAll(Seat seat) {
        seat.room().muteAll(seat);
    }

    public void askCamera(Seat seat, String participantId) {
        seat.room().askCamera(seat, participantId);
    }

    public void removeParticipant(Seat seat, String participantId) {
        seat.room().removeParticipant(seat, participantId, clock.instant());
    }

    public void makeHost(Seat seat, String participantId) {
        seat.room().makeHost(seat, participantId);
    }

    public void lock(Seat seat, boolean locked) {
        seat.room().lock(seat, locked);
    }

    /** A host ends the meeting: everyone is sent away and the room is gone, here and in the cluster. */
    public void endMeeting(Seat seat) {
        Room room = seat.room();
        room.endMeeting(seat);
        expiredRebuilt.add(room.id()); // no token of an earlier start rebuilds it
        if (rooms.remove(room.id(), room) && clustered()) {
            forget(room);
        }
    }

    /** Kurento rooms: the seat's participant publishes its stream. */
    public void publish(Seat seat, String sdp, boolean screen) {
        Room room = kurentoRoom(seat);
        if (screen && !room.sharesScreen(seat.participant().id())) {
            throw new RoomException("screen-not-shared", "Say you share a screen (screen) before publishing it.");
        }
        media.publish(room, seat.participant().id(), sdp, screen);
    }

    public void subscribe(Seat seat, String stream, String sdp) {
        media.subscribe(kurentoRoom(seat), seat.participant().id(), stream, sdp);
    }

    public void sfuCandidate(Seat seat, String stream, IceCandidate candidate) {
        media.candidate(kurentoRoom(seat), seat.participant().id(), stream, candidate);
    }

    private static Room kurentoRoom(Seat seat) {
        Room room = seat.room();
        if (room.media() != MediaMode.KURENTO) {
            throw new RoomException("wrong-media-mode", "This room sends media browser to browser: use offer, answer and candidate.");
        }
        room.requirePresent(seat);
        return room;
    }

    public void setMedia(Seat seat, boolean audioMuted, boolean videoMuted) {
        seat.room().setMedia(seat, audioMuted, videoMuted);
    }

    public void leave(Seat seat) {
        seat.room().leave(seat, clock.instant());
    }

    public void drop(Seat seat) {
        seat.room().drop(seat, clock.instant());
    }

    /** Removes timed-out participants and expired rooms; package-private so tests can drive it. */
    void tick() {
        Instant now = clock.instant();
        for (Room room : rooms.values()) {
            if (room.expire(now)) {
                if (room.rebuilt()) {
                    expiredRebuilt.add(room.id()); // before it is gone from the map, so no resume rebuilds it meanwhile
                }
                // A closed room refuses joins, so nobody can slip in between expire() and remove().
                if (rooms.remove(room.id(), room) && clustered()) {
                    forget(room);
                }
            }
        }
        if (clustered() && grid.draining()) {
            handOver();
        }
        if (!expiredRebuilt.isEmpty() && now.isAfter(started.plus(ResumeTokens.MAX_AGE))) {
            expiredRebuilt.clear(); // every token of an earlier start is too old to rebuild anything now
        }
    }

    private void forget(Room room) {
        try {
            grid.forget(room.id().value());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not remove ended room " + room.id().value() + " from the cluster", e);
        }
    }

    private void tickSafely() {
        try {
            tick();
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "room clock tick failed", e);
        }
    }

    private Optional<Room> room(String id) {
        return RoomId.parse(id).map(rooms::get);
    }

    private Room require(String id) {
        return room(id).orElseThrow(RoomService::notFound);
    }

    private static RoomException notFound() {
        return new RoomException("room-not-found", "This room does not exist (any more).");
    }
}
