package org.palaver.signaling.control;

import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.logging.Logger;
import org.palaver.cluster.boundary.Grid;
import org.palaver.cluster.entity.Envelope;
import org.palaver.rooms.entity.RoomId;

/**
 * Signaling across nodes, on a cluster node only (a single node never calls anything here per
 * message). The edge side: sockets of this node whose room another node owns
 * ({@link EdgeConnection}). The owner side: sockets of other nodes for rooms of this node, each a
 * {@link Conversation} that writes through a {@link RemoteLink}. Envelopes arrive on Hazelcast's
 * event thread, one at a time in each sender's order; handling them only enqueues or takes a room
 * lock briefly, as a local socket's message does.
 */
@ApplicationScoped
public class Relay {

    private static final Logger LOG = Logger.getLogger(Relay.class.getName());

    @Inject
    Grid grid;

    @Inject
    Conversations conversations;

    @Resource
    ManagedExecutorService executor;

    private final ConcurrentMap<String, EdgeConnection> edges = new ConcurrentHashMap<>();
    /** Keyed by the edge node's id and the connection's id there. */
    private final ConcurrentMap<String, Remote> remotes = new ConcurrentHashMap<>();

    private record Remote(Conversation conversation, RemoteLink link) {
    }

    void boot(@Observes @Initialized(ApplicationScoped.class) Object started) {
        if (grid.clustered()) {
            grid.relayTo(this::received);
            grid.onDeparture(this::departed);
        }
    }

    /** The live node that owns {@code roomId} when that is not this one; a cluster node only. */
    Optional<String> ownerElsewhere(String roomId) {
        return RoomId.parse(roomId).isPresent() ? grid.ownerElsewhere(roomId) : Optional.empty();
    }

    /** A socket of this node for a room of {@code owner}'s: tells the owner, which answers what the socket sends. */
    EdgeConnection edge(String owner, String roomId, String address, Outbox outbox, Flood flood) {
        EdgeConnection edge = new EdgeConnection(UUID.randomUUID().toString(), owner, address, outbox, flood, this);
        edges.put(edge.id(), edge);
        send(owner, Envelope.open(edge.id(), roomId, address));
        // The owner may have left between the look-up and the put above, its departure handled
        // before this edge was there to close: then nobody would ever answer it.
        if (!grid.live(owner) && edges.remove(edge.id(), edge)) {
            edge.ownerGone();
        }
        return edge;
    }

    void send(String node, Envelope envelope) {
        grid.send(node, envelope);
    }

    void forget(EdgeConnection edge) {
        edges.remove(edge.id());
    }

    private void received(String from, Envelope envelope) {
        switch (envelope.kind()) {
            case Envelope.OPEN -> opened(from, envelope);
            case Envelope.IN -> {
                Remote remote = remotes.get(key(from, envelope.id()));
                if (remote == null) {
                    // this node forgot the socket (it timed out here): its node should close it
                    send(from, Envelope.end(envelope.id(), Outbox.OWNER_GONE.getCloseCode().getCode(),
                            Outbox.OWNER_GONE.getReasonPhrase()));
                } else {
                    remote.conversation().onText(envelope.text());
                }
            }
            case Envelope.BYE -> {
                Remote remote = remotes.remove(key(from, envelope.id()));
                if (remote != null) {
                    remote.conversation().onClose();
                }
            }
            case Envelope.OUT -> {
                EdgeConnection edge = edges.get(envelope.id());
                if (edge != null && edge.owner().equals(from)) {
                    edge.out(envelope.text());
                }
            }
            case Envelope.END -> {
                EdgeConnection edge = edges.get(envelope.id());
                if (edge != null && edge.owner().equals(from) && envelope.code() != null) {
                    edge.end(envelope.code(), envelope.text() == null ? "" : envelope.text());
                }
            }
            default -> LOG.fine(() -> "ignored a '" + envelope.kind() + "' message from node " + from);
        }
    }

    private void opened(String edge, Envelope envelope) {
        if (envelope.room() == null) {
            return;
        }
        RemoteLink link = new RemoteLink(edge, envelope.id(), conversations.codec(), executor, grid::send);
        Conversation conversation = conversations.relayed(envelope.room(), envelope.address(), link);
        Remote previous = remotes.put(key(edge, envelope.id()), new Remote(conversation, link));
        if (previous != null) {
            previous.conversation().onClose(); // an id used twice: never two conversations on one key
        }
    }

    private void departed(String node) {
        int[] closed = {0};
        edges.values().removeIf(edge -> {
            if (edge.owner().equals(node)) {
                edge.ownerGone();
                closed[0]++;
                return true;
            }
            return false;
        });
        remotes.entrySet().removeIf(entry -> {
            if (entry.getValue().link().edge().equals(node)) {
                entry.getValue().conversation().onClose();
                return true;
            }
            return false;
        });
        if (closed[0] > 0) {
            LOG.info(() -> "Node " + node + " left: closed " + closed[0] + " socket(s) of its rooms here; the pages reconnect");
        }
    }

    /** From the heartbeat: retries stalled drains, and closes relayed sockets out of any room for too long. */
    void beat(long seatlessNanos, Duration joinTimeout) {
        remotes.entrySet().removeIf(entry -> {
            Remote remote = entry.getValue();
            if (remote.conversation().seatlessLongerThan(seatlessNanos)) {
                remote.conversation().joinTimedOut(joinTimeout);
                return true;
            }
            remote.link().kick();
            return false;
        });
    }

    private static String key(String node, String connection) {
        return node + "/" + connection;
    }
}
