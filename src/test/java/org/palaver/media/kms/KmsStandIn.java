package org.palaver.media.kms;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.palaver.media.kms.MiniWebSocketServer.Peer;

/**
 * A stand-in Kurento Media Server for tests: a JSON-RPC 2.0 WebSocket server on loopback that
 * answers the real {@code org.kurento.client.KurentoClient} (7.3) the way KMS does, so the
 * product's Kurento code runs unchanged where KMS cannot run. It keeps a registry of the objects
 * it created, lets tests inspect it, and scripts outages: restart, stop/resume, half-open.
 *
 * <p>What it does not do: no media at all, no ICE, no DTLS. SDP answers are shaped so that a
 * browser's {@code setRemoteDescription} accepts them and creates remote tracks, but no packet
 * ever flows. Pipelines and elements inside them exist; {@code processOffer},
 * {@code gatherCandidates} (2 host candidates, then IceGatheringDone), {@code addIceCandidate}
 * and {@code connect} are modelled, any other operation answers null. Of the
 * {@code ServerManager}: {@code getPipelines}, with each pipeline's {@code getChildren} and
 * (empty) {@code getTags}, and {@code getUsedCpu}, which answers what {@link #cpu} set. Answers
 * to {@code processOffer} can be held back ({@link #holdOffers}). No
 * transactions, no garbage collection of abandoned objects, no wss.
 *
 * <p>What kurento-client 7.3 sends, as seen here:
 * <ul>
 *   <li>{@code KurentoClient.create}: WebSocket to {@code /kurento}; the heartbeat's
 *       {@code ping} ({@code interval: 240000}) goes out from its own thread and races the first
 *       request: either may arrive first, both without a session, so the client may open two
 *       sessions and keeps whichever answer it read last.
 *   <li>{@code createMediaPipeline()}: {@code create} (type MediaPipeline, empty
 *       constructorParams and properties). {@code WebRtcEndpoint.Builder(p).build()}:
 *       {@code create} with {@code constructorParams.mediaPipeline}. No {@code describe}.
 *   <li>{@code add...Listener}: {@code subscribe} (object, type), one per listener.
 *       {@code processOffer}, {@code gatherCandidates}, {@code addIceCandidate},
 *       {@code connect}: {@code invoke}. {@code release()}: {@code release}.
 *       {@code destroy()}: {@code closeSession}, waits for its answer, closes the socket.
 *   <li>After a dropped socket: {@code connect} with the old sessionId; on 40007 a second
 *       {@code connect} without one. No {@code ping} follows a reconnection: as its code reads,
 *       the client turns its heartbeat off to reconnect and never turns it on again.
 * </ul>
 *
 * <p>What a {@link org.kurento.client.KurentoConnectionListener} hears, as seen here. The client
 * reports "reconnecting" as {@code disconnected()}, so {@code disconnected()} does not mean the
 * client gave up: it retries every 2 s, forever.
 * <ul>
 *   <li>{@link #restart()}: {@code disconnected()} within a few ms, then
 *       {@code reconnected(false)} some 20 ms later (old session refused, new one opened).
 *       Every object the product held is gone: calls on them fail with 40101.
 *   <li>{@link #stop()}: {@code disconnected()} within a few ms, then nothing while down. After
 *       {@link #resume()}: {@code reconnected(false)} at the client's next retry, up to 2 s later.
 *   <li>{@code destroy()}: {@code disconnected()} three times, and two client WARNINGs about a
 *       second close: {@code destroy()} closes its JSON-RPC client twice.
 *   <li>A half-open server: {@code KurentoClient.create} (and a reconnection) blocks; the
 *       connection timeout covers the TCP connect only, the handshake is awaited without limit.
 * </ul>
 */
public final class KmsStandIn implements AutoCloseable {

    /**
     * One request as it arrived: type is create's type or subscribe's event type, object and
     * operation those of invoke, subscribe and release, sessionId as sent (null until the client has one).
     */
    public record Call(String method, String type, String object, String operation, String sessionId) {
    }

    public record Connection(String source, String sink) {
    }

    /** A connect or disconnect call with its media type ({@code AUDIO}, {@code VIDEO}, or null for all). */
    public record TypedCall(String operation, String source, String sink, String mediaType) {
    }

    private record Subscription(String id, String object, String type, String sessionId) {
    }

    private record Outgoing(Peer peer, String text) {
    }

    // A fixed certificate fingerprint: nothing ever runs DTLS against it
    private static final String FINGERPRINT = "sha-256 "
            + "4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB:4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF";
    private static final String ICE_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    private static final Duration IDLE = Duration.ofMillis(200);
    private static final String SERVER_MANAGER = "manager_ServerManager";

    private final MiniWebSocketServer server;

    // All state below is guarded by this
    private final Set<String> sessions = new LinkedHashSet<>();
    private final Map<String, Peer> peerOfSession = new HashMap<>();
    private final Map<String, String> live = new LinkedHashMap<>();
    private final Map<String, String> pipelines = new HashMap<>();
    private final Map<String, String> offers = new HashMap<>();
    private final Map<String, String> answers = new HashMap<>();
    private final Map<String, List<String>> candidates = new HashMap<>();
    private final Map<String, Subscription> subscriptions = new LinkedHashMap<>();
    private final List<Call> calls = new ArrayList<>();
    private final List<Connection> connects = new ArrayList<>();
    private final List<TypedCall> typedCalls = new ArrayList<>();
    private int candidatesPerGather = 2;
    private int videoConnectsToFail;
    /** Answers to processOffer held back while {@link #holdOffers} is on; null while off. */
    private List<Outgoing> heldOffers;
    private float cpuPercent = 5f;
    private int candidatePort = 40000;

    private volatile long lastRequestNanos = System.nanoTime();

    private KmsStandIn() {
        server = new MiniWebSocketServer("/kurento", new MiniWebSocketServer.Handler() {
            @Override
            public void onText(Peer peer, String message) {
                received(peer, message);
            }

            @Override
            public void onClose(Peer peer) {
                closed(peer);
            }
        });
    }

    /** Listens on 127.0.0.1 on a free port. */
    public static KmsStandIn start() throws IOException {
        KmsStandIn kms = new KmsStandIn();
        kms.server.listen(0);
        return kms;
    }

    public URI url() {
        return URI.create("ws://127.0.0.1:" + port() + "/kurento");
    }

    public int port() {
        return server.port();
    }

    // ---- inspection

    /** Every request in arrival order, pings included; survives restart() and stop(). */
    public synchronized List<Call> calls() {
        return List.copyOf(calls);
    }

    /** Live objects of a type: "MediaPipeline", "WebRtcEndpoint". */
    public synchronized long liveCount(String type) {
        return live.values().stream().filter(type::equals).count();
    }

    /** Live object id to type, in creation order. */
    public synchronized Map<String, String> liveObjects() {
        return new LinkedHashMap<>(live);
    }

    /** Every successful connect and disconnect call with its media type, in order; survives restart() and stop(). */
    public synchronized List<TypedCall> typedCalls() {
        return List.copyOf(typedCalls);
    }

    /**
     * Where each sink gets {@code mediaType} from now, after every connect and disconnect so far
     * (a connect naming no type counts for every type): sink to source.
     */
    public synchronized Map<String, String> sources(String mediaType) {
        Map<String, String> from = new LinkedHashMap<>();
        for (TypedCall c : typedCalls) {
            if (c.mediaType() != null && !c.mediaType().equals(mediaType)) {
                continue;
            }
            if (c.operation().equals("connect")) {
                from.put(c.sink(), c.source());
            } else if (c.source().equals(from.get(c.sink()))) {
                from.remove(c.sink());
            }
        }
        from.keySet().removeIf(sink -> !live.containsKey(sink) || !live.containsKey(from.get(sink)));
        return from;
    }

    /** Every successful connect call, source to sink, in order; survives restart() and stop(). */
    public synchronized List<Connection> connects() {
        return List.copyOf(connects);
    }

    /** Candidate strings the client added to an endpoint, released ones included. */
    public synchronized List<String> candidatesAddedTo(String endpointId) {
        return List.copyOf(candidates.getOrDefault(endpointId, List.of()));
    }

    /** The pipeline an element was created in (also after release), or null. */
    public synchronized String pipelineOf(String endpointId) {
        return pipelines.get(endpointId);
    }

    /** The last SDP offer the endpoint processed, or null. */
    public synchronized String offerOf(String endpointId) {
        return offers.get(endpointId);
    }

    /** The last SDP answer the endpoint returned, or null. */
    public synchronized String answerOf(String endpointId) {
        return answers.get(endpointId);
    }

    /** Event types the client subscribed to on an object, one entry per subscription. */
    public synchronized List<String> subscriptionsOn(String objectId) {
        return subscriptions.values().stream().filter(s -> s.object().equals(objectId)).map(Subscription::type).toList();
    }

    /** Open WebSocket connections (handshake done); half-open TCP connections do not count. */
    public int openSockets() {
        return server.openConnections();
    }

    /** Waits until no request has arrived for 200 ms, or until max has passed. */
    public void awaitIdle(Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < deadline) {
            long quietFor = System.nanoTime() - lastRequestNanos;
            if (quietFor >= IDLE.toNanos()) {
                return;
            }
            Thread.sleep(Math.max(1, (IDLE.toNanos() - quietFor) / 1_000_000));
        }
    }

    // ---- scripting

    /** Like a KMS restart: every socket dropped, all objects, sessions and subscriptions forgotten. */
    public synchronized void restart() {
        server.dropAll();
        forgetEverything();
    }

    /** Like a KMS that is down: the port is closed and every socket dropped; objects forgotten. */
    public synchronized void stop() {
        server.stopListening();
        forgetEverything();
    }

    /** Listens again on the same port after stop(). */
    public void resume() {
        try {
            server.listen(port());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on port " + port() + " again", e);
        }
    }

    /** When on, TCP connections are accepted but the WebSocket handshake is never answered. */
    public void halfOpen(boolean on) {
        server.halfOpen(on);
    }

    /** The CPU use, in percent of all cores, that {@code getUsedCpu} reports from now on (default 5). */
    public synchronized void cpu(float percent) {
        cpuPercent = percent;
    }

    /**
     * While on, processOffer is not answered (as a media server busy with other offers): the
     * answers are held, and turning it off sends them all, in order (an offer that arrives while they
     * go out may be answered first); later offers are answered at once.
     */
    public void holdOffers(boolean on) {
        List<Outgoing> release;
        synchronized (this) {
            release = on || heldOffers == null ? List.of() : heldOffers;
            heldOffers = on ? (heldOffers == null ? new ArrayList<>() : heldOffers) : null;
        }
        release.forEach(o -> o.peer().send(o.text()));
    }

    /** How many processOffer calls wait for their answer now (see {@link #holdOffers}). */
    public synchronized int offersHeld() {
        return heldOffers == null ? 0 : heldOffers.size();
    }

    /** The next {@code n} connects of the VIDEO media type fail (as on a media server too busy to make them); counted nowhere else. */
    public synchronized void failVideoConnects(int n) {
        videoConnectsToFail = n;
    }

    /** How many of those are still to fail. */
    public synchronized int videoConnectsToFail() {
        return videoConnectsToFail;
    }

    /** How many IceCandidateFound events each gatherCandidates emits (default 2). */
    public synchronized void candidatesPerGather(int n) {
        candidatesPerGather = n;
    }

    /**
     * Sends an event of the object to each session subscribed to that type, e.g. a
     * MediaFlowInStateChanged the product waits for. {@code source}, {@code type},
     * {@code timestampMillis} and {@code tags} are filled in; nested objects in data need
     * {@code __module__} and {@code __type__} or the client drops the event. Returns how many
     * sessions it went to.
     */
    public int emit(String objectId, String eventType, JsonObject data) {
        List<Outgoing> out;
        synchronized (this) {
            out = event(objectId, eventType, data == null ? Json.createObjectBuilder() : Json.createObjectBuilder(data));
        }
        out.forEach(o -> o.peer().send(o.text()));
        return out.size();
    }

    @Override
    public void close() {
        stop();
    }

    private void forgetEverything() {
        if (heldOffers != null) {
            heldOffers.clear(); // their sockets are gone
        }
        sessions.clear();
        peerOfSession.clear();
        live.clear();
        subscriptions.clear();
    }

    // ---- protocol

    private void received(Peer peer, String text) {
        lastRequestNanos = System.nanoTime();
        List<Outgoing> out;
        try {
            JsonObject message = Json.createReader(new StringReader(text)).readObject();
            synchronized (this) {
                // A message read just before restart() or stop() dropped the socket belongs to the old server
                if (!peer.isOpen()) {
                    return;
                }
                out = handle(peer, message);
            }
        } catch (JsonException | ClassCastException e) {
            out = List.of(new Outgoing(peer, error(JsonValue.NULL, -32700, "Parse error").toString()));
        }
        // Sent outside the lock and in order: a response always precedes the events it causes
        out.forEach(o -> o.peer().send(o.text()));
    }

    private synchronized void closed(Peer peer) {
        peerOfSession.values().removeIf(peer::equals);
    }

    private List<Outgoing> handle(Peer peer, JsonObject message) {
        if (!message.containsKey("method")) {
            return List.of(); // a response from the client: KMS sends no requests, so nothing to match
        }
        String method = message.getString("method", "");
        JsonValue id = message.get("id");
        JsonObject params = message.get("params") instanceof JsonObject p ? p : JsonValue.EMPTY_JSON_OBJECT;
        String sessionId = string(params, "sessionId");
        calls.add(new Call(method, string(params, "type"), string(params, "object"), string(params, "operation"), sessionId));

        if (method.equals("connect")) {
            if (sessionId != null && !sessions.contains(sessionId)) {
                return reply(peer, id, error(id, 40007, "Invalid session", "INVALID_SESSION"));
            }
            String session = sessionId != null ? sessionId : newSession();
            peerOfSession.put(session, peer);
            return reply(peer, id, ok(id, session, null));
        }
        // KMS checks sessions only on connect: any other request just carries one along
        String session = sessionId != null ? sessionId : newSession();
        sessions.add(session);
        peerOfSession.put(session, peer);

        return switch (method) {
            case "ping" -> reply(peer, id, ok(id, session, Json.createValue("pong")));
            case "create" -> reply(peer, id, create(id, session, params));
            case "invoke" -> invoke(peer, id, session, params);
            case "subscribe" -> reply(peer, id, subscribe(id, session, params));
            case "unsubscribe" -> {
                subscriptions.remove(string(params, "subscription"));
                yield reply(peer, id, ok(id, session, null));
            }
            case "release" -> reply(peer, id, release(id, session, params));
            case "describe" -> reply(peer, id, describe(id, session, params));
            case "closeSession" -> {
                sessions.remove(session);
                peerOfSession.remove(session);
                subscriptions.values().removeIf(s -> s.sessionId().equals(session));
                yield reply(peer, id, ok(id, session, null));
            }
            default -> reply(peer, id, error(id, -32601, "Method not found"));
        };
    }

    private JsonObject create(JsonValue id, String session, JsonObject params) {
        String type = string(params, "type");
        if (type == null || type.isBlank()) {
            return error(id, -32602, "Invalid params: no type");
        }
        if (type.equals("MediaPipeline")) {
            String pipeline = UUID.randomUUID() + "_kurento.MediaPipeline";
            live.put(pipeline, type);
            return ok(id, session, Json.createValue(pipeline));
        }
        JsonObject constructorParams = params.get("constructorParams") instanceof JsonObject c ? c : JsonValue.EMPTY_JSON_OBJECT;
        String pipeline = string(constructorParams, "mediaPipeline");
        String hub = string(constructorParams, "hub"); // a HubPort is made in its hub's pipeline
        if (pipeline == null && hub != null) {
            if (!live.containsKey(hub)) {
                return notFound(id, hub);
            }
            pipeline = pipelines.get(hub);
        }
        if (pipeline == null) {
            return error(id, 40100, "Type '" + type + "' not found", "MEDIA_OBJECT_TYPE_NOT_FOUND");
        }
        if (!"MediaPipeline".equals(live.get(pipeline))) {
            return notFound(id, pipeline);
        }
        // The client reads the class from the text after the last '_'
        String element = pipeline + "/" + UUID.randomUUID() + "_kurento." + type;
        live.put(element, type);
        pipelines.put(element, pipeline);
        return ok(id, session, Json.createValue(element));
    }

    private List<Outgoing> invoke(Peer peer, JsonValue id, String session, JsonObject params) {
        String object = string(params, "object");
        String operation = params.getString("operation", "");
        if (SERVER_MANAGER.equals(object)) {
            return reply(peer, id, ok(id, session, serverManager(operation)));
        }
        if (object == null || !live.containsKey(object)) {
            return reply(peer, id, notFound(id, object));
        }
        JsonObject args = params.get("operationParams") instanceof JsonObject o ? o : JsonValue.EMPTY_JSON_OBJECT;
        switch (operation) {
            case "processOffer" -> {
                String offer = string(args, "offer");
                if (offer == null || !offer.contains("\nm=")) {
                    return reply(peer, id, error(id, -32602, "Invalid params: no SDP offer"));
                }
                String answer = answer(offer);
                offers.put(object, offer);
                answers.put(object, answer);
                if (heldOffers != null) {
                    heldOffers.add(new Outgoing(peer, ok(id, session, Json.createValue(answer)).toString()));
                    return List.of();
                }
                return reply(peer, id, ok(id, session, Json.createValue(answer)));
            }
            case "gatherCandidates" -> {
                List<Outgoing> out = new ArrayList<>(reply(peer, id, ok(id, session, null)));
                String mid = firstMid(offers.get(object));
                for (int i = 0; i < candidatesPerGather; i++) {
                    int port = candidatePort++;
                    String candidate = "candidate:" + (i + 1) + " 1 UDP " + (2015363327 - i) + " 127.0.0.1 " + port + " typ host";
                    out.addAll(event(object, "IceCandidateFound", Json.createObjectBuilder()
                            .add("candidate", Json.createObjectBuilder()
                                    .add("__module__", "kurento")
                                    .add("__type__", "IceCandidate")
                                    .add("candidate", candidate)
                                    .add("sdpMid", mid)
                                    .add("sdpMLineIndex", 0))));
                }
                out.addAll(event(object, "IceGatheringDone", Json.createObjectBuilder()));
                return out;
            }
            case "addIceCandidate" -> {
                JsonObject candidate = args.get("candidate") instanceof JsonObject c ? c : JsonValue.EMPTY_JSON_OBJECT;
                candidates.computeIfAbsent(object, k -> new ArrayList<>()).add(candidate.getString("candidate", ""));
                return reply(peer, id, ok(id, session, null));
            }
            case "connect" -> {
                String sink = string(args, "sink");
                if (sink == null || !live.containsKey(sink)) {
                    return reply(peer, id, notFound(id, sink));
                }
                if (videoConnectsToFail > 0 && "VIDEO".equals(string(args, "mediaType"))) {
                    videoConnectsToFail--;
                    return reply(peer, id, error(id, 40000, "connect failed (scripted)"));
                }
                connects.add(new Connection(object, sink));
                typedCalls.add(new TypedCall("connect", object, sink, string(args, "mediaType")));
                return reply(peer, id, ok(id, session, null));
            }
            case "disconnect" -> {
                String sink = string(args, "sink");
                if (sink == null || !live.containsKey(sink)) {
                    return reply(peer, id, notFound(id, sink));
                }
                typedCalls.add(new TypedCall("disconnect", object, sink, string(args, "mediaType")));
                return reply(peer, id, ok(id, session, null));
            }
            case "getChildren" -> {
                JsonArrayBuilder children = Json.createArrayBuilder();
                pipelines.forEach((element, pipeline) -> {
                    if (pipeline.equals(object) && !element.equals(object) && live.containsKey(element)) {
                        children.add(element);
                    }
                });
                return reply(peer, id, ok(id, session, children.build()));
            }
            case "getTags" -> {
                return reply(peer, id, ok(id, session, JsonValue.EMPTY_JSON_ARRAY));
            }
            default -> {
                return reply(peer, id, ok(id, session, JsonValue.NULL));
            }
        }
    }

    private JsonValue serverManager(String operation) {
        return switch (operation) {
            case "getPipelines" -> {
                JsonArrayBuilder found = Json.createArrayBuilder();
                live.forEach((object, type) -> {
                    if ("MediaPipeline".equals(type)) {
                        found.add(object);
                    }
                });
                yield found.build();
            }
            case "getUsedCpu" -> Json.createValue(cpuPercent);
            default -> JsonValue.NULL;
        };
    }

    private JsonObject subscribe(JsonValue id, String session, JsonObject params) {
        String object = string(params, "object");
        if (object == null || !live.containsKey(object)) {
            return notFound(id, object);
        }
        String subscription = UUID.randomUUID().toString();
        subscriptions.put(subscription, new Subscription(subscription, object, params.getString("type", ""), session));
        return ok(id, session, Json.createValue(subscription));
    }

    private JsonObject release(JsonValue id, String session, JsonObject params) {
        String object = string(params, "object");
        if (object == null || !live.containsKey(object)) {
            return notFound(id, object);
        }
        // Releasing a pipeline releases every element in it
        Set<String> gone = new LinkedHashSet<>();
        gone.add(object);
        live.keySet().stream().filter(o -> object.equals(pipelines.get(o))).forEach(gone::add);
        live.keySet().removeAll(gone);
        subscriptions.values().removeIf(s -> gone.contains(s.object()));
        return ok(id, session, null);
    }

    private JsonObject describe(JsonValue id, String session, JsonObject params) {
        String object = string(params, "object");
        String type = object == null ? null : live.get(object);
        if (type == null) {
            return notFound(id, object);
        }
        JsonArrayBuilder hierarchy = Json.createArrayBuilder();
        if (!type.equals("MediaPipeline")) {
            if (type.equals("WebRtcEndpoint")) {
                hierarchy.add("kurento.BaseRtpEndpoint").add("kurento.SdpEndpoint").add("kurento.SessionEndpoint").add("kurento.Endpoint");
            }
            hierarchy.add("kurento.MediaElement");
        }
        hierarchy.add("kurento.MediaObject");
        return Json.createObjectBuilder()
                .add("jsonrpc", "2.0")
                .add("id", orNull(id))
                .add("result", Json.createObjectBuilder()
                        .add("type", type)
                        .add("qualifiedType", "kurento." + type)
                        .add("hierarchy", hierarchy)
                        .add("sessionId", session))
                .build();
    }

    /** Notifications for one event on an object, one per subscribed session. */
    private List<Outgoing> event(String object, String type, JsonObjectBuilder data) {
        JsonObject payload = data
                .add("source", object)
                .add("type", type)
                .add("timestampMillis", Long.toString(System.currentTimeMillis()))
                .add("tags", Json.createArrayBuilder())
                .build();
        String notification = Json.createObjectBuilder()
                .add("jsonrpc", "2.0")
                .add("method", "onEvent")
                .add("params", Json.createObjectBuilder()
                        .add("value", Json.createObjectBuilder()
                                .add("object", object)
                                .add("type", type)
                                .add("data", payload)))
                .build()
                .toString();
        // The client fires every listener of the type on each event: one event per session, not per subscription
        Set<String> sessionsToTell = new LinkedHashSet<>();
        subscriptions.values().stream()
                .filter(s -> s.object().equals(object) && s.type().equals(type))
                .forEach(s -> sessionsToTell.add(s.sessionId()));
        List<Outgoing> out = new ArrayList<>();
        for (String session : sessionsToTell) {
            Peer peer = peerOfSession.get(session);
            if (peer != null) {
                out.add(new Outgoing(peer, notification));
            }
        }
        return out;
    }

    private String newSession() {
        String session = UUID.randomUUID().toString();
        sessions.add(session);
        return session;
    }

    private static List<Outgoing> reply(Peer peer, JsonValue id, JsonObject response) {
        // Notifications (no id) get no answer
        return id == null || id == JsonValue.NULL ? List.of() : List.of(new Outgoing(peer, response.toString()));
    }

    private static JsonObject ok(JsonValue id, String session, JsonValue value) {
        JsonObjectBuilder result = Json.createObjectBuilder();
        if (value != null) {
            result.add("value", value);
        }
        result.add("sessionId", session);
        return Json.createObjectBuilder().add("jsonrpc", "2.0").add("id", orNull(id)).add("result", result).build();
    }

    private static JsonObject notFound(JsonValue id, String object) {
        return error(id, 40101, "Object '" + object + "' not found", "MEDIA_OBJECT_NOT_FOUND");
    }

    private static JsonObject error(JsonValue id, int code, String message) {
        return Json.createObjectBuilder()
                .add("jsonrpc", "2.0")
                .add("id", orNull(id))
                .add("error", Json.createObjectBuilder().add("code", code).add("message", message))
                .build();
    }

    private static JsonObject error(JsonValue id, int code, String message, String type) {
        return Json.createObjectBuilder()
                .add("jsonrpc", "2.0")
                .add("id", orNull(id))
                .add("error", Json.createObjectBuilder()
                        .add("code", code)
                        .add("message", message)
                        .add("data", Json.createObjectBuilder().add("type", type)))
                .build();
    }

    private static JsonValue orNull(JsonValue id) {
        return id == null ? JsonValue.NULL : id;
    }

    private static String string(JsonObject object, String key) {
        return object.get(key) instanceof JsonString s ? s.getString() : null;
    }

    // ---- SDP

    /**
     * An answer a browser accepts for the offer: every m= section answered with the offer's payload
     * types, direction flipped, one BUNDLE group, and a stream and SSRC for every section that sends.
     */
    static String answer(String offer) {
        List<String> lines = offer.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        List<List<String>> sections = new ArrayList<>();
        String sessionDirection = "sendrecv";
        for (String line : lines) {
            if (line.startsWith("m=")) {
                sections.add(new ArrayList<>());
            }
            if (!sections.isEmpty()) {
                sections.get(sections.size() - 1).add(line);
            } else if (isDirection(line)) {
                sessionDirection = line.substring(2);
            }
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        String ufrag = randomIceChars(8);
        String pwd = randomIceChars(24);
        String stream = UUID.randomUUID().toString();
        String cname = randomIceChars(16);

        List<String> bundle = new ArrayList<>();
        StringBuilder media = new StringBuilder();
        for (List<String> section : sections) {
            String[] m = section.get(0).substring(2).split(" ");
            boolean rejected = m.length < 4 || m[1].equals("0");
            String mid = null;
            String direction = sessionDirection;
            String setup = "actpass";
            for (String line : section) {
                if (line.startsWith("a=mid:")) {
                    mid = line.substring(6);
                } else if (isDirection(line)) {
                    direction = line.substring(2);
                } else if (line.startsWith("a=setup:")) {
                    setup = line.substring(8);
                }
            }
            media.append("m=").append(m[0]).append(rejected ? " 0 " : " 9 ")
                    .append(String.join(" ", List.of(m).subList(2, m.length))).append("\r\n");
            media.append("c=IN IP4 0.0.0.0\r\n");
            if (rejected) {
                if (mid != null) {
                    media.append("a=mid:").append(mid).append("\r\n");
                }
                media.append("a=inactive\r\n");
                continue;
            }
            if (mid != null) {
                bundle.add(mid);
            }
            boolean rtp = !m[0].equals("application");
            if (rtp) {
                media.append("a=rtcp:9 IN IP4 0.0.0.0\r\n");
            }
            media.append("a=ice-ufrag:").append(ufrag).append("\r\n");
            media.append("a=ice-pwd:").append(pwd).append("\r\n");
            media.append("a=fingerprint:").append(FINGERPRINT).append("\r\n");
            media.append("a=setup:").append(setup.equals("active") ? "passive" : "active").append("\r\n");
            if (mid != null) {
                media.append("a=mid:").append(mid).append("\r\n");
            }
            if (!rtp) {
                for (String line : section) {
                    if (line.startsWith("a=sctp-port:") || line.startsWith("a=max-message-size:")) {
                        media.append(line).append("\r\n");
                    }
                }
                continue;
            }
            String answerDirection = switch (direction) {
                case "sendonly" -> "recvonly";
                case "recvonly" -> "sendonly";
                default -> direction;
            };
            media.append("a=").append(answerDirection).append("\r\n");
            media.append("a=rtcp-mux\r\n");
            for (String line : section) {
                if (line.equals("a=rtcp-rsize") || line.startsWith("a=rtpmap:") || line.startsWith("a=fmtp:")
                        || line.startsWith("a=rtcp-fb:")) {
                    media.append(line).append("\r\n");
                }
            }
            if (answerDirection.equals("sendonly") || answerDirection.equals("sendrecv")) {
                // Without a stream id and SSRC the browser still makes a track, but in no stream
                String track = UUID.randomUUID().toString();
                long ssrc = random.nextLong(1, 1L << 32);
                media.append("a=msid:").append(stream).append(' ').append(track).append("\r\n");
                media.append("a=ssrc:").append(ssrc).append(" cname:").append(cname).append("\r\n");
                media.append("a=ssrc:").append(ssrc).append(" msid:").append(stream).append(' ').append(track).append("\r\n");
            }
        }
        StringBuilder sdp = new StringBuilder();
        sdp.append("v=0\r\n");
        sdp.append("o=- ").append(random.nextLong(1, Long.MAX_VALUE)).append(" 2 IN IP4 127.0.0.1\r\n");
        sdp.append("s=Kurento Media Server\r\n");
        sdp.append("t=0 0\r\n");
        if (!bundle.isEmpty()) {
            sdp.append("a=group:BUNDLE ").append(String.join(" ", bundle)).append("\r\n");
        }
        sdp.append("a=msid-semantic: WMS *\r\n");
        return sdp.append(media).toString();
    }

    private static boolean isDirection(String line) {
        return line.equals("a=sendrecv") || line.equals("a=sendonly") || line.equals("a=recvonly") || line.equals("a=inactive");
    }

    private static String firstMid(String offer) {
        if (offer != null) {
            for (String line : offer.lines().toList()) {
                if (line.startsWith("a=mid:")) {
                    return line.substring(6).strip();
                }
            }
        }
        return "0";
    }

    private static String randomIceChars(int n) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        StringBuilder s = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            s.append(ICE_CHARS.charAt(random.nextInt(ICE_CHARS.length())));
        }
        return s.toString();
    }
}
