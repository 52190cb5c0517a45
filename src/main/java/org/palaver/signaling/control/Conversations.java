package org.palaver.signaling.control;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.websocket.Session;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.palaver.rooms.boundary.RoomService;

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

    @Resource
    ManagedExecutorService executor;

    @Resource
    ManagedScheduledExecutorService scheduler;

    private final MessageCodec codec = new MessageCodec();
    private final Set<Conversation> open = ConcurrentHashMap.newKeySet();
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

    public Conversation open(Session session, String roomId) {
        Conversation conversation = new Conversation(roomId, rooms, codec, new Outbox(session, codec, executor));
        open.add(conversation);
        return conversation;
    }

    public void closed(Conversation conversation) {
        open.remove(conversation);
        conversation.onClose();
    }

    public int openCount() {
        return open.size();
    }

    private void beat() {
        try {
            long timeout = heartbeatTimeout.toNanos();
            for (Conversation conversation : open) {
                if (conversation.idleNanos() > timeout) {
                    open.remove(conversation);
                    conversation.timedOut();
                } else {
                    conversation.outbox().ping();
                }
            }
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "heartbeat failed", e);
        }
    }
}
