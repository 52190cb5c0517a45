package org.palaver.bench.baseline;

import jakarta.inject.Inject;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.PathParam;
import jakarta.websocket.server.ServerEndpoint;

/**
 * The benchmark's yardstick: the least a JSR-356 relay can do on the same Payara. It greets a
 * new socket with the room's size and forwards every text frame as it is to the room's other
 * sockets: no parsing, no checks, no queue.
 */
@ServerEndpoint("/relay/{room}")
public class BareRelay {

    @Inject
    BareRooms rooms;

    @OnOpen
    public void open(Session session, @PathParam("room") String room) {
        int size = rooms.join(room, session);
        session.getAsyncRemote().sendText("{\"type\":\"joined\",\"count\":" + size + "}");
    }

    @OnMessage
    public void text(String message, Session session, @PathParam("room") String room) {
        for (Session other : rooms.members(room)) {
            if (other != session && other.isOpen()) {
                other.getAsyncRemote().sendText(message);
            }
        }
    }

    @OnClose
    public void close(Session session, @PathParam("room") String room) {
        rooms.leave(room, session);
    }
}
