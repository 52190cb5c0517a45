package org.palaver.signaling.control;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.palaver.cluster.boundary.Grid;
import org.palaver.ice.boundary.IceServerSource;
import org.palaver.platform.OnceLog;
import org.palaver.platform.TokenBucket;
import org.palaver.rooms.boundary.RoomService;
import org.palaver.protocol.ServerMessage;

/**
 * The open signaling sockets, and their heartbeat: every interval each socket gets a ping frame
 * (browsers answer those by themselves), and a socket silent for longer than the timeout is
 * treated as dropped, so a dead connection is noticed within the timeout. A socket out of any room
 * (never joined, or left) for {@code palaver.limits.join-timeout} is closed too: idle sockets
 * would otherwise hold the server's connections for ever. Each client address may hold
 * {@code palaver.limits.connections-per-address} sockets.
 */
@ApplicationScoped
public class Conversations {

    private static final Logger LOG = Logger.getLogger(Conversations.class.getName());

    @Inject
    RoomService rooms;

    @Inject
    @ConfigProperty(name = "palaver.heartbeat.interval", defaultValue = "PT10S")
    Duration heartbeatInterval;

    @Inject
    @ConfigProperty(name = "palaver.heartbeat.timeout", defaultValue = "PT30S")
    Duration heartbeatTimeout;

    @Inject
    @ConfigProperty(name = "palaver.limits.max-connections", defaultValue = "10000")
    int maxConnections;

    @Inject
    @ConfigProperty(name = "palaver.limits.messages-per-second", defaultValue = "50")
    double messagesPerSecond;

    @Inject
    @ConfigProperty(name = "palaver.limits.message-burst", defaultValue = "200")
    int messageBurst;

    @Inject
    @ConfigProperty(name = "palaver.limits.connections-per-address", defaultValue = "200")
    int connectionsPerAddress;

    @Inject
    @ConfigProperty(name = "palaver.limits.join-timeout", defaultValue = "PT30S")
    Duration joinTimeout;

    @Inject
    PasscodeGuard passcodeGuard;

    @Inject
    PasscodeChecks passcodeChecks;

    @Inject
    ClientAddresses addresses;

    @Inject
    IceServerSource iceServers;

    @Inject
    Grid grid;

    @Inject
    Relay relay;

    @Resource
    ManagedExecutorService executor;

    @Resource
    ManagedScheduledExecutorService scheduler;

    private final MessageCodec codec = new MessageCodec();
    private final Set<Connection> open = ConcurrentHashMap.newKeySet();
    private final OnceLog limitLog = new OnceLog(LOG);
    private ScheduledFuture<?> heartbeat;
    private SocketsPerAddress perAddress;

    @PostConstruct
    void startHeartbeat() {
        perAddress = new SocketsPerAddress(connectionsPerAddress);
        long period = heartbeatInterval.toMillis();
        heartbeat = scheduler.scheduleWithFixedDelay(this::beat, period, period, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        heartbeat.cancel(false);
        try {
            codec.close();
        } catch (Exception e) {
            LOG.log(Level.FINE, "closing the codec failed", e);
        }
    }

    /**
     * A new conversation, or empty when the server holds {@code palaver.limits.max-connections}
     * already, or the client's address {@code palaver.limits.connections-per-address}.
     */
    public Optional<Connection> open(Session session, String roomId) {
        String address = addresses.claim(session.getUserProperties().get(ClientAddresses.USER_PROPERTY));
        if (open.size() >= maxConnections) {
            limitLog.warn("max-connections", "connection limit reached (palaver.limits.max-connections=" + maxConnections + ")");
            refuse(session, "server-full", "The server is at its connection limit; try again later.");
            return Optional.empty();
        }
        if (!perAddress.tryOpen(address)) {
            limitLog.warn("per-address:" + address, "connection limit reached for " + address
                    + " (palaver.limits.connections-per-address=" + connectionsPerAddress + ")");
            refuse(session, "too-many-connections", "Too many connections from your address; close some and try again.");
            return Optional.empty();
        }
        if (rooms.draining()) {
            // on its way out: the page tries again through the load balancer and lands on another node
            refuse(session, "node-draining", "This server is being taken out of service; reconnecting to another.");
            perAddress.closed(address);
            return Optional.empty();
        }
        if (ClientAddresses.UNKNOWN.equals(address)) {
            limitLog.warn("no-address", "a signaling connection opened without a known client address;"
                    + " it shares its per-address limits with every other such connection");
        }
        Outbox outbox = new Outbox(session, codec, executor);
        // A single node never asks the grid: the cluster check is one field read per socket.
        Optional<String> owner = grid.clustered() ? relay.ownerElsewhere(roomId) : Optional.empty();
        Connection connection = owner.isPresent()
                ? relay.edge(owner.get(), roomId, address, outbox, new Flood(rate(), limitLog, roomId))
                : new Conversation(roomId, rooms, codec, outbox, rate(), limitLog, passcodeGuard, passcodeChecks, address,
                        iceServers);
        open.add(connection);
        return Optional.of(connection);
    }

    private TokenBucket rate() {
        return new TokenBucket(messageBurst, messagesPerSecond);
    }

    /** On the room's owner: the conversation of a socket on another node, which {@code link} reaches. */
    Conversation relayed(String roomId, String address, Link link) {
        return new Conversation(roomId, rooms, codec, link, null, rate(), limitLog, passcodeGuard, passcodeChecks,
                address == null ? ClientAddresses.UNKNOWN : address, iceServers);
    }

    MessageCodec codec() {
        return codec;
    }

    // Runs on the handshake's thread before any room is involved, so a blocking send is harmless.
    private void refuse(Session session, String code, String message) {
        try {
            session.getBasicRemote().sendText(codec.encode(new ServerMessage.Error(code, message)));
            session.close(new CloseReason(CloseReason.CloseCodes.TRY_AGAIN_LATER, code));
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "refusing a connection failed", e);
        }
    }

    /** Sockets open on this node, its own rooms' and other nodes' alike. */
    public int openCount() {
        return open.size();
    }

    /**
     * This node drains: its sockets for rooms of other nodes are closed so that their pages
     * reconnect through another node (their own rooms' sockets went with the rooms).
     */
    public void closeRelayed() {
        for (Connection connection : open) {
            if (connection instanceof EdgeConnection edge) {
                edge.moved();
            }
        }
    }

    /** The container reported the socket closed (not our own heartbeat timeout). */
    public void closed(Connection conversation) {
        conversation.outbox().closedByContainer();
        forget(conversation);
        conversation.onClose();
    }

    /** Once per conversation, whoever notices its end first (the container or the heartbeat). */
    private void forget(Connection conversation) {
        if (open.remove(conversation)) {
            perAddress.closed(conversation.address());
        }
    }

    private void beat() {
        try {
            long timeout = heartbeatTimeout.toNanos();
            long seatless = joinTimeout.toNanos();
            for (Connection conversation : open) {
                if (conversation.idleNanos() > timeout) {
                    forget(conversation);
                    conversation.timedOut();
                } else if (conversation.seatlessLongerThan(seatless)) {
                    forget(conversation);
                    conversation.joinTimedOut(joinTimeout);
                } else {
                    conversation.outbox().kick();
                    conversation.outbox().ping();
                }
            }
            if (grid.clustered()) {
                relay.beat(seatless, joinTimeout);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "heartbeat failed", e);
        }
    }
}
