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
import org.palaver.ice.boundary.IceServerSource;
import org.palaver.platform.OnceLog;
import org.palaver.platform.TokenBucket;
import org.palaver.rooms.boundary.RoomService;
import org.palaver.signaling.entity.ServerMessage;

/**
 * The open signaling sockets, and their heartbeat: every interval each socket gets a ping frame
 * (browsers answer those by themselves), and a socket silent for longer than the timeout is
 * treated as dropped, so a dead connection is noticed within the timeout.
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
    PasscodeGuard passcodeGuard;

    @Inject
    ClientAddresses addresses;

    @Inject
    IceServerSource iceServers;

    @Resource
    ManagedExecutorService executor;

    @Resource
    ManagedScheduledExecutorService scheduler;

    private final MessageCodec codec = new MessageCodec();
    private final Set<Conversation> open = ConcurrentHashMap.newKeySet();
    private final OnceLog limitLog = new OnceLog(LOG);
    private ScheduledFuture<?> heartbeat;

    @PostConstruct
    void startHeartbeat() {
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

    /** A new conversation, or empty when the server holds {@code palaver.limits.max-connections} already. */
    public Optional<Conversation> open(Session session, String roomId) {
        String address = addresses.claim(session.getUserProperties().get(ClientAddresses.USER_PROPERTY)).orElse(null);
        if (open.size() >= maxConnections) {
            limitLog.warn("max-connections", "connection limit reached (palaver.limits.max-connections=" + maxConnections + ")");
            refuse(session);
            return Optional.empty();
        }
        if (address == null) {
            limitLog.warn("no-address", "a signaling connection opened without a known client address;"
                    + " its passcode guessing is slowed down per connection only");
        }
        Conversation conversation = new Conversation(roomId, rooms, codec, new Outbox(session, codec, executor),
                new TokenBucket(messageBurst, messagesPerSecond), limitLog, passcodeGuard, address, iceServers);
        open.add(conversation);
        return Optional.of(conversation);
    }

    // Runs on the handshake's thread before any room is involved, so a blocking send is harmless.
    private void refuse(Session session) {
        try {
            session.getBasicRemote().sendText(codec.encode(
                    new ServerMessage.Error("server-full", "The server is at its connection limit; try again later.")));
            session.close(new CloseReason(CloseReason.CloseCodes.TRY_AGAIN_LATER, "server full"));
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "refusing a connection failed", e);
        }
    }

    /** The container reported the socket closed (not our own heartbeat timeout). */
    public void closed(Conversation conversation) {
        conversation.outbox().closedByContainer();
        open.remove(conversation);
        conversation.onClose();
    }

    private void beat() {
        try {
            long timeout = heartbeatTimeout.toNanos();
            for (Conversation conversation : open) {
                if (conversation.idleNanos() > timeout) {
                    open.remove(conversation);
                    conversation.timedOut();
                } else {
                    conversation.outbox().kick();
                    conversation.outbox().ping();
                }
            }
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "heartbeat failed", e);
        }
    }
}
