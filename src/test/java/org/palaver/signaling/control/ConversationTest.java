package org.palaver.signaling.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.websocket.CloseReason;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import java.io.StringReader;
import java.lang.reflect.Field;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.palaver.rooms.control.MeshMedia;
import org.palaver.platform.OnceLog;
import org.palaver.platform.TokenBucket;
import org.palaver.rooms.boundary.RoomService;
import org.palaver.rooms.entity.Mailbox;
import org.palaver.rooms.entity.RoomMoving;
import org.palaver.rooms.entity.Seat;

/** One socket's conversation against the real rooms, with the passcode machinery watched. */
class ConversationTest {

    private final MessageCodec codec = new MessageCodec();
    private final RoomService rooms = rooms();
    private final AtomicInteger guardCalls = new AtomicInteger();
    private final PasscodeGuard guard = new PasscodeGuard() {
        @Override
        public void begin(String address, String roomId, long now) {
            guardCalls.incrementAndGet();
            super.begin(address, roomId, now);
        }

        @Override
        public void right(String address, String roomId) {
            guardCalls.incrementAndGet();
            super.right(address, roomId);
        }
    };
    /** Checks wait here until the test runs them. */
    private final List<Runnable> submitted = new ArrayList<>();
    private final PasscodeChecks checks = new PasscodeChecks() {
        @Override
        public void submit(String address, Runnable check) {
            submitted.add(check);
        }
    };

    @AfterEach
    void close() throws Exception {
        codec.close();
    }

    @Test
    void joinsToARoomWithoutPasscodeNeverTouchTheGuardNorTheHashThreads() {
        String room = rooms.create().id();
        for (int i = 0; i < 25; i++) {
            Socket socket = new Socket(room, "192.0.2.7");
            socket.conversation.onText("{\"type\":\"join\",\"name\":\"Person " + i + "\",\"passcode\":\"ignored\"}");
            assertEquals("joined", socket.types().get(0), socket.written.toString());
        }
        assertEquals(0, guardCalls.get());
        assertTrue(submitted.isEmpty());
    }

    @Test
    void cheapChecksComeBeforeAnyPasscodeCheck() {
        String room = rooms.create(Optional.of("blue-harbour")).id();
        Socket socket = new Socket(room, "192.0.2.7");
        socket.conversation.onText("{\"type\":\"join\",\"name\":\"   \",\"passcode\":\"blue-harbour\"}");
        socket.conversation.onText("{\"type\":\"join\",\"name\":\"Alice\"}");
        socket.conversation.onText("{\"type\":\"join\",\"name\":\"Alice\",\"passcode\":\"\"}");
        assertEquals(List.of("invalid-name", "passcode-required", "passcode-required"), socket.errors());
        assertTrue(submitted.isEmpty(), "no hash for a join that fails anyway");
        assertEquals(0, guardCalls.get());
    }

    @Test
    void messagesSentWhileThePasscodeIsCheckedWaitBehindTheJoin() {
        String room = rooms.create(Optional.of("blue-harbour")).id();
        Socket socket = new Socket(room, "192.0.2.7");
        socket.conversation.onText("{\"type\":\"join\",\"name\":\"Alice\",\"passcode\":\"blue-harbour\"}");
        socket.conversation.onText("{\"type\":\"hand\",\"raised\":true}");
        socket.conversation.onText("{\"type\":\"ping\"}");
        assertTrue(socket.written.isEmpty(), "nothing overtakes the join: " + socket.written);
        assertEquals(1, submitted.size());
        submitted.remove(0).run();
        assertEquals(List.of("joined", "hand", "pong"), socket.types());
    }

    @Test
    void aJoinHeldBehindAnotherIsCheckedInItsTurn() {
        String room = rooms.create(Optional.of("blue-harbour")).id();
        Socket socket = new Socket(room, "192.0.2.7");
        socket.conversation.onText("{\"type\":\"join\",\"name\":\"Alice\",\"passcode\":\"wrong-one\"}");
        socket.conversation.onText("{\"type\":\"join\",\"name\":\"Alice\",\"passcode\":\"blue-harbour\"}");
        socket.conversation.onText("{\"type\":\"ping\"}");
        submitted.remove(0).run();
        assertEquals(List.of("error"), socket.types(), "the second join waits for a check of its own");
        assertEquals(1, submitted.size());
        socket.conversation.onText("{\"type\":\"hand\",\"raised\":true}");
        submitted.remove(0).run();
        assertEquals(List.of("error", "joined", "pong", "hand"), socket.types());
        assertEquals(List.of("passcode-invalid"), socket.errors());
    }

    @Test
    void aConnectionChecksOnlyAFewPasscodesInARow() {
        String room = rooms.create(Optional.of("blue-harbour")).id();
        Socket socket = new Socket(room, "192.0.2.7");
        for (int i = 0; i < Conversation.PASSCODE_CHECK_BURST; i++) {
            socket.conversation.onText("{\"type\":\"join\",\"name\":\"Alice\",\"passcode\":\"blue-harbour\"}");
            submitted.remove(0).run();
            socket.conversation.onText("{\"type\":\"leave\"}");
        }
        socket.conversation.onText("{\"type\":\"join\",\"name\":\"Alice\",\"passcode\":\"blue-harbour\"}");
        assertTrue(submitted.isEmpty());
        assertEquals("too-many-attempts", socket.errors().get(0));
        socket.conversation.onText("{\"type\":\"ping\"}");
        assertEquals("pong", socket.types().get(socket.types().size() - 1), "a refused check holds nothing up");
    }

    @Test
    void aResumeForARoomAnotherNodeTookOverClosesTheSocketSoThePageComesBackThere() {
        RoomService elsewhere = new RoomService() {
            @Override
            public Seat resume(String roomId, String token, Mailbox mailbox) {
                throw new RoomMoving("room-moved", "This room is now held by another server; reconnecting.");
            }
        };
        Socket socket = new Socket(elsewhere, rooms.create().id(), "192.0.2.7");
        socket.conversation.onText("{\"type\":\"resume\",\"token\":\"x.y\"}");
        assertEquals(List.of("room-moved"), socket.errors(), "the page learns why");
        assertEquals(List.of(1013), socket.closedWith, "try again later: the page reconnects and resumes");
    }

    /** A socket whose writes complete at once. */
    private final class Socket {
        final List<String> written = new CopyOnWriteArrayList<>();
        final List<Integer> closedWith = new CopyOnWriteArrayList<>();
        final Conversation conversation;

        Socket(String room, String address) {
            this(rooms, room, address);
        }

        Socket(RoomService rooms, String room, String address) {
            RemoteEndpoint.Async async = (RemoteEndpoint.Async) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {RemoteEndpoint.Async.class}, (proxy, method, args) -> {
                        if (method.getName().equals("sendText")) {
                            written.add((String) args[0]);
                            ((SendHandler) args[1]).onResult(new SendResult());
                        }
                        return null;
                    });
            Session session = (Session) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Session.class},
                    (proxy, method, args) -> switch (method.getName()) {
                        case "getAsyncRemote" -> async;
                        case "isOpen" -> closedWith.isEmpty();
                        case "close" -> {
                            closedWith.add(args != null && args.length == 1 && args[0] instanceof CloseReason reason
                                    ? reason.getCloseCode().getCode() : 1000);
                            yield null;
                        }
                        default -> null;
                    });
            conversation = new Conversation(room, rooms, codec, new Outbox(session, codec, Runnable::run),
                    new TokenBucket(200, 50), new OnceLog(java.util.logging.Logger.getAnonymousLogger()), guard, checks, address,
                    new org.palaver.ice.boundary.IceServerSource(java.util.Optional.empty(), java.util.Optional.empty(), java.time.Duration.ofMinutes(10)));
        }

        List<String> types() {
            return written.stream().map(text -> json(text).getString("type")).toList();
        }

        List<String> errors() {
            return written.stream().map(ConversationTest::json).filter(m -> m.getString("type").equals("error"))
                    .map(m -> m.getString("error")).toList();
        }
    }

    private static JsonObject json(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }

    private static RoomService rooms() {
        RoomService rooms = new RoomService();
        set(rooms, "meshMaxParticipants", 30);
        set(rooms, "emptyTtl", Duration.ofMinutes(5));
        set(rooms, "reconnectGrace", Duration.ofSeconds(15));
        set(rooms, "maxRooms", 10);
        set(rooms, "media", new MeshMedia()); // no media server: mesh rooms
        return rooms;
    }

    // RoomService's configuration fields are package-private to its own package.
    private static void set(Object target, String field, Object value) {
        try {
            Field f = target.getClass().getDeclaredField(field);
            f.setAccessible(true);
            f.set(target, value);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
