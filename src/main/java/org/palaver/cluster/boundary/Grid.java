package org.palaver.cluster.boundary;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.palaver.cluster.control.ClusterSettings;
import org.palaver.cluster.control.Envelopes;
import org.palaver.cluster.control.HazelcastMember;
import org.palaver.cluster.control.Requests;
import org.palaver.cluster.control.RoomClaims;
import org.palaver.cluster.entity.Envelope;
import org.palaver.cluster.entity.GridStatus;
import org.palaver.cluster.entity.NodeEntry;
import org.palaver.platform.ProcessInstance;
import org.palaver.cluster.entity.NodeState;
import org.palaver.cluster.entity.RoomEntry;

/**
 * The state Palaver nodes share, on a Hazelcast member of this application's own, started only
 * when {@code palaver.cluster.members} is set: without it nothing here runs and a single node
 * behaves as it always did. Node id is the Hazelcast member's UUID. The member joins in the
 * background (readiness is DOWN until then) so a slow join never holds up the deployment; a bad
 * setting does stop the deployment, at once.
 */
@ApplicationScoped
public class Grid implements RoomPlacement {

    private static final Logger LOG = Logger.getLogger(Grid.class.getName());
    static final long HEARTBEAT_SECONDS = 5;
    static final long RETRY_SECONDS = 10;
    /** A released room nobody resumed within this is ended (its pages gave up long before). */
    static final Duration RELEASED_KEPT = Duration.ofMinutes(10);
    static final long SWEEP_SECONDS = 60;

    @Inject
    @ConfigProperty(name = ClusterSettings.MEMBERS)
    Optional<String> members;

    @Inject
    @ConfigProperty(name = ClusterSettings.PORT)
    Optional<String> port;

    @Inject
    @ConfigProperty(name = ClusterSettings.NAME)
    Optional<String> name;

    @Inject
    @ConfigProperty(name = ClusterSettings.SECRET)
    Optional<String> secret;

    @Inject
    @ConfigProperty(name = ClusterSettings.NODE_URL)
    Optional<String> nodeUrl;

    @Resource
    ManagedThreadFactory threads;

    /**
     * One thread of the grid's own for joining, the heartbeat and the clean-up: a grid call can
     * block for seconds while Hazelcast moves the partitions of a node that died, and must not
     * hold up the server's shared scheduler (the signaling heartbeat, the rooms' clock) meanwhile.
     */
    private ScheduledExecutorService scheduler;

    private ClusterSettings settings;
    private Jsonb json;
    /** Guards the hand-over between joining and stopping, nothing else: no grid call runs under it. */
    private final Object lifecycle = new Object();
    private boolean stopping;
    private ScheduledFuture<?> pending;
    private ScheduledFuture<?> heartbeat;
    private ScheduledFuture<?> sweep;
    private volatile HazelcastMember member;
    private volatile RoomClaims claims;
    private volatile String problem = "joining the cluster";
    private volatile List<String> lastNodes = List.of();
    /** The processes of the nodes the grid listed at the last heartbeat; null before the first. */
    private volatile Set<String> lastInstances;

    @Inject
    ProcessInstance process;
    /** Rooms this node owns, for the load it reports. */
    private final Set<String> owned = ConcurrentHashMap.newKeySet();
    private final Envelopes envelopes = new Envelopes();
    private final Requests requests = new Requests();
    /** Who handles the relay's envelopes, and who answers questions about rooms: set once at start. */
    private volatile BiConsumer<String, Envelope> relay = (from, envelope) -> { };
    private volatile Function<String, Optional<String>> answerer = room -> Optional.empty();
    private volatile BiFunction<Optional<String>, Boolean, Optional<String>> creator = (passcode, membersOnly) -> Optional.empty();
    /** Told to drain: takes no new rooms, and its own moved to other nodes. */
    private volatile boolean draining;
    private final List<Consumer<String>> departures = new CopyOnWriteArrayList<>();

    /** Check the settings when the application starts, so a bad one stops the deployment. */
    void boot(@Observes @Initialized(ApplicationScoped.class) Object started) {
        clustered();
    }

    @PostConstruct
    void start() {
        settings = ClusterSettings.parse(members, port, name, secret, nodeUrl);
        if (!settings.clustered()) {
            return;
        }
        if (settings.secret().isEmpty()) {
            LOG.warning(ClusterSettings.SECRET + " is not set: any machine that reaches the cluster port and knows the cluster"
                    + " name can join. Set PALAVER_CLUSTER_SECRET to the same long random string on every node.");
        }
        json = JsonbBuilder.create();
        scheduler = Executors.newSingleThreadScheduledExecutor(threads);
        synchronized (lifecycle) {
            pending = scheduler.schedule(this::join, 0, TimeUnit.SECONDS);
        }
    }

    private void join() {
        try {
            LOG.info(() -> "Joining cluster '" + settings.name() + "' on port " + settings.port() + " with members "
                    + settings.members() + " (" + HazelcastMember.origin() + ")");
            HazelcastMember joined = HazelcastMember.join(settings, departed -> {
                // at once, on Hazelcast's event thread: the listeners only close local sockets
                departed(departed.toString());
                try {
                    scheduler.execute(this::cleanUpSafely);
                } catch (RejectedExecutionException undeploying) {
                    // the application is going away: nothing to clean up for it
                }
            });
            boolean undeployed;
            synchronized (lifecycle) {
                undeployed = stopping;
                if (!undeployed) {
                    claims = new RoomClaims(joined.rooms(), joined.ended(), json);
                    member = joined;
                    heartbeat = scheduler.scheduleWithFixedDelay(this::beatSafely, 0, HEARTBEAT_SECONDS, TimeUnit.SECONDS);
                    sweep = scheduler.scheduleWithFixedDelay(this::sweepSafely, SWEEP_SECONDS, SWEEP_SECONDS, TimeUnit.SECONDS);
                }
            }
            if (undeployed) {
                joined.close();
                return;
            }
            joined.listen(this::delivered);
            problem = null;
            LOG.info(() -> "Joined cluster '" + settings.name() + "' as node " + joined.nodeId() + ", "
                    + joined.memberIds().size() + " member(s)");
            // nodes that left while this one was starting
            scheduler.execute(this::cleanUpSafely);
        } catch (LinkageError e) {
            // Hazelcast cannot run in this server as deployed (a missing JDK package): no retry will help
            problem = "cluster member cannot start here: " + e;
            LOG.log(Level.SEVERE, problem, e);
        } catch (RuntimeException e) {
            // e.g. the cluster port is taken: keep trying, readiness says why meanwhile
            problem = "cluster member did not start: " + e.getMessage();
            LOG.log(Level.SEVERE, problem + "; trying again in " + RETRY_SECONDS + " s", e);
            synchronized (lifecycle) {
                if (!stopping && member == null) {
                    pending = scheduler.schedule(this::join, RETRY_SECONDS, TimeUnit.SECONDS);
                }
            }
        }
    }

    @PreDestroy
    void stop() {
        HazelcastMember leaving;
        synchronized (lifecycle) {
            stopping = true;
            cancel(pending);
            cancel(heartbeat);
            cancel(sweep);
            leaving = member;
            member = null;
        }
        if (scheduler != null) {
            // rooms that just ended are forgotten in the grid before the member goes (bounded)
            scheduler.shutdown();
            try {
                scheduler.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (leaving != null) {
            try {
                // bounded: an undeploy must not wait on a grid in trouble
                leaving.nodes().removeAsync(leaving.nodeId()).toCompletableFuture().get(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException | ExecutionException | TimeoutException e) {
                LOG.log(Level.FINE, "could not remove this node's entry; the others drop it when it is gone", e);
            }
            leaving.close();
        }
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
        if (json != null) {
            try {
                json.close();
            } catch (Exception e) {
                LOG.log(Level.FINE, "closing JSON-B", e);
            }
        }
    }

    private static void cancel(ScheduledFuture<?> task) {
        if (task != null) {
            task.cancel(false);
        }
    }

    @Override
    public boolean clustered() {
        return settings.clustered();
    }

    /** For readiness: never calls the grid, so it answers at once even when the grid is in trouble. */
    public GridStatus status() {
        HazelcastMember now = member;
        String why = problem;
        if (why != null || now == null) {
            return new GridStatus(why == null ? "leaving the cluster" : why, null, 0, List.of());
        }
        if (!now.running()) {
            return new GridStatus("cluster member stopped", null, 0, List.of());
        }
        return new GridStatus(null, now.nodeId(), now.memberIds().size(), lastNodes);
    }

    @Override
    public Optional<RoomEntry> claim(String roomId, String mediaServer, String mode) {
        HazelcastMember now = joined();
        Optional<RoomEntry> entry = claims.claim(roomId, now.nodeId(), mediaServer, mode, now::memberIds);
        if (entry.filter(e -> e.ownedBy(now.nodeId())).isPresent()) {
            owned.add(roomId);
        }
        return entry;
    }

    /** On the grid's own thread: the rooms' clock, which calls this, never waits on the grid. */
    @Override
    public void forget(String roomId) {
        HazelcastMember now = joined();
        owned.remove(roomId);
        scheduler.execute(() -> {
            try {
                claims.forget(roomId, now.nodeId());
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "could not remove ended room " + roomId + " from the cluster", e);
            }
        });
    }

    @Override
    public String nodeId() {
        return joined().nodeId();
    }

    /**
     * The live node other than this one that owns {@code roomId}, if any. Empty when the room is
     * this node's, unknown, released, or its owner is gone (it is then cleaned up soon).
     */
    @Override
    public Optional<String> ownerElsewhere(String roomId) {
        HazelcastMember now = member;
        if (now == null) {
            return Optional.empty();
        }
        Optional<RoomEntry> entry = claims.entry(roomId);
        // the members after the map answered: a set taken before could still name a node that died meanwhile
        return entry.flatMap(e -> e.liveOwnerOtherThan(now.nodeId(), now.memberIds()));
    }

    @Override
    public Optional<RoomEntry> entry(String roomId) {
        HazelcastMember now = member;
        return now == null ? Optional.empty() : claims.entry(roomId);
    }

    @Override
    public boolean liveInstance(String instance) {
        Set<String> known = lastInstances;
        return known == null || member == null || known.contains(instance); // not known yet: assume it runs
    }

    /** Whether {@code node} is a member of the cluster now. */
    public boolean live(String node) {
        HazelcastMember now = member;
        return now != null && now.memberIds().contains(node);
    }

    @Override
    public boolean moving(String roomId) {
        HazelcastMember now = member;
        return now != null && claims.entry(roomId).filter(e -> e.orphaned(now.memberIds())).isPresent();
    }

    /** Sends to {@code node}'s topic; false when this node is not in the grid (then nothing was sent). */
    public boolean send(String node, Envelope envelope) {
        HazelcastMember now = member;
        if (now == null) {
            return false;
        }
        try {
            now.send(node, envelopes.encode(envelope));
            return true;
        } catch (RuntimeException e) {
            // the member is shutting down: whatever the message was for ends with it
            LOG.log(Level.FINE, "sending to node " + node + " failed", e);
            return false;
        }
    }

    @Override
    public Optional<String> ask(String node, String roomId, Duration wait) throws Requests.NoAnswer, InterruptedException {
        return requests.ask(id -> {
            if (!send(node, Envelope.ask(id, roomId))) {
                throw new IllegalStateException("not in the cluster");
            }
        }, wait);
    }

    @Override
    public void answerWith(Function<String, Optional<String>> roomAnswerer) {
        answerer = roomAnswerer;
    }

    /** Who makes a room here when a draining node asks (passcode, members only, to the new room's JSON); runs on the grid's thread. */
    @Override
    public void createWith(BiFunction<Optional<String>, Boolean, Optional<String>> roomCreator) {
        creator = roomCreator;
    }

    /** Asks {@code node} to make a room; returns its JSON, or empty when it could not. */
    @Override
    public Optional<String> createOn(String node, Optional<String> passcode, boolean membersOnly, Duration wait)
            throws Requests.NoAnswer, InterruptedException {
        return requests.ask(id -> {
            if (!send(node, Envelope.create(id, passcode.orElse(null), membersOnly))) {
                throw new IllegalStateException("not in the cluster");
            }
        }, wait);
    }

    /** Takes no new rooms from now on (or again, with false); other nodes see it in this node's entry. */
    @Override
    public void drain(boolean drain) {
        draining = drain;
        scheduler.execute(this::beatSafely);
    }

    @Override
    public boolean draining() {
        return draining;
    }

    /** A room of this node is given up for another node to take over (draining); false when it was not this node's. */
    @Override
    public boolean release(String roomId) {
        HazelcastMember now = joined();
        boolean released = claims.release(roomId, now.nodeId(), Instant.now());
        if (released) {
            owned.remove(roomId);
        }
        return released;
    }

    /**
     * The live node other than this one that takes new rooms and owns the fewest, from the nodes'
     * entries; empty when there is none.
     */
    @Override
    public Optional<String> servingNode() {
        HazelcastMember now = joined();
        Set<String> live = now.memberIds();
        String self = now.nodeId();
        return now.nodes().entrySet().stream()
                .filter(node -> !node.getKey().equals(self) && live.contains(node.getKey()))
                .map(node -> Map.entry(node.getKey(), json.fromJson(node.getValue(), NodeEntry.class)))
                .filter(node -> node.getValue().state() == NodeState.SERVING)
                .min(Comparator.comparingInt(node -> node.getValue().load()))
                .map(Map.Entry::getKey);
    }

    /** Who gets the relay's envelopes (sending node, envelope), on Hazelcast's event thread: must not block. */
    public void relayTo(BiConsumer<String, Envelope> handler) {
        relay = handler;
    }

    /**
     * {@code onDeparture} hears the id of every node that leaves the cluster, on Hazelcast's event
     * thread, as soon as Hazelcast drops it: it must not block, nor call the grid.
     */
    public void onDeparture(Consumer<String> onDeparture) {
        departures.add(onDeparture);
    }

    private void departed(String node) {
        for (Consumer<String> listener : departures) {
            try {
                listener.accept(node);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "handling the departure of node " + node + " failed", e);
            }
        }
    }

    /** On Hazelcast's event thread, one message at a time in each sender's order. */
    private void delivered(String from, String text) {
        Optional<Envelope> decoded = envelopes.decode(text);
        if (decoded.isEmpty()) {
            LOG.warning(() -> "dropped an unreadable message from node " + from);
            return;
        }
        Envelope envelope = decoded.get();
        try {
            switch (envelope.kind()) {
                case Envelope.ASK -> send(from, Envelope.reply(envelope.id(), answerer.apply(envelope.room()).orElse(null)));
                case Envelope.REPLY -> requests.answered(envelope.id(), envelope.text());
                // makes a room: grid calls, so on the grid's thread, not Hazelcast's event thread
                case Envelope.CREATE, Envelope.CREATE_MEMBERS_ONLY -> scheduler.execute(() -> send(from, Envelope.reply(
                        envelope.id(), createSafely(Optional.ofNullable(envelope.text()), Envelope.CREATE_MEMBERS_ONLY.equals(envelope.kind())))));
                default -> relay.accept(from, envelope);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "handling a '" + envelope.kind() + "' message from node " + from + " failed", e);
        }
    }

    private String createSafely(Optional<String> passcode, boolean membersOnly) {
        try {
            return draining ? null : creator.apply(passcode, membersOnly).orElse(null);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not make a room another node asked for", e);
            return null;
        }
    }

    private HazelcastMember joined() {
        HazelcastMember now = member;
        if (now == null) {
            throw new IllegalStateException(settings.clustered() ? "not joined to the cluster yet" : "not clustered");
        }
        return now;
    }

    private void beatSafely() {
        try {
            beat();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "cluster heartbeat failed; trying again in " + HEARTBEAT_SECONDS + " s", e);
        }
    }

    /** Writes this node's entry (url, state, load, time) and notes which nodes the grid lists. */
    private void beat() {
        HazelcastMember now = member;
        if (now == null) {
            return;
        }
        NodeEntry entry = new NodeEntry(settings.nodeUrl().map(Object::toString).orElse(null),
                draining ? NodeState.DRAINING : NodeState.SERVING,
                owned.size(), Instant.now(), process == null ? null : process.id());
        now.nodes().set(now.nodeId(), json.toJson(entry));
        Map<String, String> nodes = Map.copyOf(now.nodes());
        lastNodes = nodes.keySet().stream().sorted().toList();
        lastInstances = nodes.values().stream().map(text -> json.fromJson(text, NodeEntry.class).instance())
                .filter(java.util.Objects::nonNull).collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    /** The oldest member ends the released rooms nobody came back for. */
    private void sweepSafely() {
        try {
            HazelcastMember now = member;
            if (now != null && now.oldest()) {
                int ended = claims.endReleasedBefore(Instant.now().minus(RELEASED_KEPT));
                if (ended > 0) {
                    LOG.info(ended + " released room(s) nobody came back for ended");
                }
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "sweeping released rooms failed; trying again in " + SWEEP_SECONDS + " s", e);
        }
    }

    private void cleanUpSafely() {
        try {
            cleanUp();
            beat();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "cleaning up after a departed node failed; the next departure or start tries again", e);
        }
    }

    /**
     * After a node left: its entry goes and its rooms are released for a later takeover. Only the
     * oldest member does it (one sweep, not one per node); it sweeps every node that is gone, so
     * a departure it missed, or one during its own start, is caught too.
     */
    private void cleanUp() {
        HazelcastMember now = member;
        if (now == null || !now.oldest()) {
            return;
        }
        Set<String> live = now.memberIds();
        now.nodes().keySet().stream().filter(node -> !live.contains(node)).forEach(gone -> {
            now.nodes().remove(gone);
            LOG.info(() -> "Node " + gone + " left the cluster");
        });
        int released = claims.releaseOrphans(live, Instant.now());
        if (released > 0) {
            LOG.info(released + " room(s) of departed nodes released");
        }
    }
}
