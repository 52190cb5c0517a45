package org.palaver.signaling.boundary;

import jakarta.inject.Inject;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.PathParam;
import jakarta.websocket.server.ServerEndpoint;
import java.nio.ByteBuffer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.palaver.signaling.control.Connection;
import org.palaver.signaling.control.Conversation;
import org.palaver.signaling.control.Conversations;

/**
 * The signaling socket. Decoding and room logic live in {@link Conversation}; this class only
 * connects the container's callbacks to it. The container limit is far above the protocol's
 * 64 KiB so that an oversized message gets a protocol error instead of a closed socket.
 */
@ServerEndpoint(value = "/signal/{roomId}", configurator = HandshakeConfigurator.class)
public class SignalingEndpoint {

    private static final Logger LOG = Logger.getLogger(SignalingEndpoint.class.getName());
    private static final int CONTAINER_LIMIT = 1024 * 1024;

    @Inject
    Conversations conversations;

    private Connection conversation;

    @OnOpen
    public void open(Session session, @PathParam("roomId") String roomId) {
        conversation = conversations.open(session, roomId).orElse(null);
    }

    @OnMessage(maxMessageSize = CONTAINER_LIMIT)
    public void text(String message) {
        if (conversation != null) {
            conversation.onText(message);
        }
    }

    @OnMessage(maxMessageSize = CONTAINER_LIMIT)
    public void binary(ByteBuffer message) {
        if (conversation != null) {
            conversation.onBinary();
        }
    }

    @OnMessage
    public void pong(PongMessage pong) {
        if (conversation != null) {
            conversation.touch();
        }
    }

    @OnClose
    public void close() {
        if (conversation != null) {
            conversations.closed(conversation);
        }
    }

    @OnError
    public void error(Throwable error) {
        LOG.log(Level.FINE, "signaling socket error", error);
    }
}
