package org.palaver.media.control;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A short session of Kurento's JSON-RPC, for looking at a media server (its load, its pipelines'
 * tags) and releasing orphans, then closing. Short on purpose: the media server keeps every object
 * a session has touched alive as long as that session lives, so a long-lived session that looks
 * at every pipeline would keep alive the pipelines of sessions that are gone, which the media
 * server would otherwise free itself. One request at a time; every wait is bounded.
 */
final class KmsSession implements AutoCloseable {

    private final WebSocket socket;
    private final BlockingQueue<String> answers;
    private final Duration timeout;
    private String sessionId;
    private int id;

    private KmsSession(WebSocket socket, BlockingQueue<String> answers, Duration timeout) {
        this.socket = socket;
        this.answers = answers;
        this.timeout = timeout;
    }

    static KmsSession open(URI url, Duration timeout) throws Exception {
        BlockingQueue<String> answers = new LinkedBlockingQueue<>();
        WebSocket socket = HttpClient.newBuilder().connectTimeout(timeout).build().newWebSocketBuilder()
                .connectTimeout(timeout)
                .buildAsync(url, new WebSocket.Listener() {
                    private final StringBuilder text = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket ws, CharSequence part, boolean last) {
                        text.append(part);
                        if (last) {
                            answers.add(text.toString());
                            text.setLength(0);
                        }
                        ws.request(1);
                        return null;
                    }
                }).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return new KmsSession(socket, answers, timeout);
    }

    /** {@code invoke}: one operation of one object; its {@code value}. */
    JsonValue invoke(String object, String operation, Map<String, Integer> params) throws Exception {
        JsonObjectBuilder operationParams = Json.createObjectBuilder();
        params.forEach(operationParams::add);
        return request("invoke", Json.createObjectBuilder().add("object", object).add("operation", operation)
                .add("operationParams", operationParams)).get("value");
    }

    List<String> strings(JsonValue value) {
        return value.asJsonArray().getValuesAs(JsonString.class).stream().map(JsonString::getString).toList();
    }

    /** The pipelines of the media server, by object id. */
    List<String> pipelines() throws Exception {
        return strings(invoke("manager_ServerManager", "getPipelines", Map.of()));
    }

    int children(String object) throws Exception {
        return invoke(object, "getChildren", Map.of()).asJsonArray().size();
    }

    Map<String, String> tags(String object) throws Exception {
        return invoke(object, "getTags", Map.of()).asJsonArray().getValuesAs(JsonObject.class).stream()
                .collect(Collectors.toMap(t -> t.getString("key"), t -> t.getString("value"), (a, b) -> b));
    }

    float usedCpu(int intervalMillis) throws Exception {
        return (float) ((jakarta.json.JsonNumber) invoke("manager_ServerManager", "getUsedCpu",
                Map.of("interval", intervalMillis))).doubleValue();
    }

    void release(String object) throws Exception {
        request("release", Json.createObjectBuilder().add("object", object));
    }

    private JsonObject request(String method, JsonObjectBuilder params) throws Exception {
        int request = ++id;
        if (sessionId != null) {
            params.add("sessionId", sessionId);
        }
        socket.sendText(Json.createObjectBuilder().add("jsonrpc", "2.0").add("id", request).add("method", method)
                .add("params", params).build().toString(), true).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String text = answers.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (text == null) {
                throw new IllegalStateException("no answer from the media server to " + method + " within " + timeout.toMillis() + " ms");
            }
            JsonObject answer = Json.createReader(new StringReader(text)).readObject();
            if (answer.getInt("id", -1) != request) {
                continue; // an event, or a late answer
            }
            if (answer.containsKey("error")) {
                throw new IllegalStateException(method + " failed: " + answer.get("error"));
            }
            JsonObject result = answer.getJsonObject("result");
            if (result != null && result.containsKey("sessionId")) {
                sessionId = result.getString("sessionId");
            }
            return result == null ? JsonValue.EMPTY_JSON_OBJECT : result;
        }
    }

    /** Ends the session, so the media server forgets what it touched. */
    @Override
    public void close() {
        try {
            if (sessionId != null) {
                request("closeSession", Json.createObjectBuilder());
            }
        } catch (Exception e) {
            // the socket goes anyway
        } finally {
            socket.abort();
        }
    }
}
