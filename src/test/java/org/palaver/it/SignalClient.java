package org.palaver.it;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A signaling client for tests: records every message and waits for the ones asked for. */
public final class SignalClient implements AutoCloseable {

    public static final Duration WAIT = Duration.ofSeconds(10);

    private final WebSocket socket;
    private final List<JsonObject> received = new ArrayList<>();
    private final List<Boolean> taken = new ArrayList<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private volatile java.util.function.Consumer<JsonObject> listener = m -> { };

    private SignalClient(URI uri) throws Exception {
        socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(uri, new Listener()).get(10, TimeUnit.SECONDS);
    }

    public static SignalClient connect(URI base, String roomId) throws Exception {
        return new SignalClient(URI.create(base.toString().replaceFirst("^http", "ws") + "signal/" + roomId));
    }

    /** Connects and joins; returns the client once its {@code joined} arrived. */
    public static SignalClient join(URI base, String roomId, String name) throws Exception {
        SignalClient client = connect(base, roomId);
        client.send(Json.createObjectBuilder().add("type", "join").add("name", name).build().toString());
        client.await("joined");
        return client;
    }

    /** Also hands every message from now on to {@code listener}, on the socket's thread. */
    public void onMessage(java.util.function.Consumer<JsonObject> listener) {
        this.listener = listener;
    }

    public SignalClient send(String text) {
        socket.sendText(text, true).join();
        return this;
    }

    public void sendBinary(byte[] bytes) {
        socket.sendBinary(ByteBuffer.wrap(bytes), true).join();
    }

    public JsonObject joined() {
        return first(m -> m.getString("type").equals("joined"));
    }

    public String id() {
        return joined().getJsonObject("self").getString("id");
    }

    public JsonObject await(String type) throws InterruptedException {
        return await(m -> type.equals(m.getString("type", null)), type);
    }

    /** The next message not yet awaited that matches; fails after {@link #WAIT}. */
    public synchronized JsonObject await(Predicate<JsonObject> match, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            for (int i = 0; i < received.size(); i++) {
                if (!taken.get(i) && match.test(received.get(i))) {
                    taken.set(i, true);
                    return received.get(i);
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no " + what + " within " + WAIT + "; received " + received);
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    /** Round trip through the server: everything sent to this socket before now has arrived after it. */
    public void sync() throws InterruptedException {
        send("{\"type\":\"ping\"}");
        await("pong");
    }

    public synchronized List<JsonObject> all(String type) {
        return received.stream().filter(m -> type.equals(m.getString("type", null))).toList();
    }

    public synchronized List<JsonObject> allMessages() {
        return List.copyOf(received);
    }

    public synchronized JsonObject first(Predicate<JsonObject> match) {
        return received.stream().filter(match).findFirst().orElseThrow(() -> new AssertionError("not received: " + received));
    }

    /** Drops the TCP connection without a close frame, like a network failure. */
    public void abort() {
        socket.abort();
    }

    public boolean isClosed() {
        return closed.isDone();
    }

    public int awaitClose() throws Exception {
        return closed.get(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
        socket.abort();
    }

    private JsonObject add(String text) {
        JsonObject message = Json.createReader(new StringReader(text)).readObject();
        synchronized (this) {
            received.add(message);
            taken.add(false);
            notifyAll();
        }
        return message;
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                JsonObject message = add(partial.toString());
                partial.setLength(0);
                listener.accept(message);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete(-1);
        }
    }
}
