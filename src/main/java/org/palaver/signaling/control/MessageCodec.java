package org.palaver.signaling.control;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbException;
import jakarta.json.bind.annotation.JsonbSubtype;
import jakarta.json.bind.annotation.JsonbTypeInfo;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParserFactory;
import java.io.StringReader;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;
import org.palaver.protocol.ClientMessage;
import org.palaver.protocol.ServerMessage;

/**
 * Text frames to {@link ClientMessage}s and {@link ServerMessage}s to text. Decoding checks in
 * steps so that each kind of bad input gets its own error code, instead of one opaque JSON-B
 * failure. Thread-safe: one instance serves every socket.
 */
public final class MessageCodec implements AutoCloseable {

    /** The answer to a binary frame, from whichever node the socket is on: signaling is JSON text. */
    static final ServerMessage.Error BINARY_REFUSED = new ServerMessage.Error("binary-not-supported",
            "Signaling messages are JSON text frames.");

    public static final int MAX_MESSAGE_BYTES = 64 * 1024;
    private static final int MAX_DEPTH = 8;
    private static final Map<String, Class<?>> CLIENT_TYPES = Arrays.stream(
                    ClientMessage.class.getAnnotation(JsonbTypeInfo.class).value())
            .collect(Collectors.toUnmodifiableMap(JsonbSubtype::alias, JsonbSubtype::type));

    private final Jsonb jsonb = JsonbBuilder.create();
    // Json.createParser() looks the provider up through ServiceLoader on every call (class
    // path scanning: the top cost of the relay path in a profile); one factory serves all.
    private final JsonParserFactory parsers = Json.createParserFactory(Map.of());

    public ClientMessage decode(String text) throws ProtocolException {
        checkSize(text);
        JsonObject object = parseObject(text);
        JsonValue type = object.get("type");
        if (!(type instanceof JsonString typeName)) {
            throw new ProtocolException("invalid-message", "Every message needs a string field 'type'.");
        }
        Class<?> kind = CLIENT_TYPES.get(typeName.getString());
        if (kind == null) {
            throw new ProtocolException("unknown-type", "Unknown message type '" + shorten(typeName.getString()) + "'.");
        }
        String wrongType = wrongType(object, kind, "");
        if (wrongType != null) {
            throw new ProtocolException("invalid-message",
                    "Invalid '" + typeName.getString() + "' message: field '" + wrongType + "' has the wrong type or invalid text.");
        }
        try {
            return jsonb.fromJson(text, ClientMessage.class);
        } catch (JsonbException | ClassCastException e) {
            throw new ProtocolException("invalid-message",
                    "Invalid '" + typeName.getString() + "' message: " + reason(e));
        }
    }

    public String encode(ServerMessage message) {
        return jsonb.toJson(message);
    }

    @Override
    public void close() throws Exception {
        jsonb.close();
    }

    /** The first check of {@link #decode}, alone: for a node that passes frames on undecoded. */
    static void checkSize(String text) throws ProtocolException {
        if (tooLarge(text)) {
            throw new ProtocolException("message-too-large",
                    "A message can be at most " + MAX_MESSAGE_BYTES + " bytes.");
        }
    }

    private static boolean tooLarge(String text) {
        // A char is at most 3 UTF-8 bytes: only count exactly when it could matter.
        if (text.length() <= MAX_MESSAGE_BYTES / 3) {
            return false;
        }
        return text.length() > MAX_MESSAGE_BYTES || text.getBytes(StandardCharsets.UTF_8).length > MAX_MESSAGE_BYTES;
    }

    private JsonObject parseObject(String text) throws ProtocolException {
        checkDepth(text);
        try (JsonParser parser = parsers.createParser(new StringReader(text))) {
            if (!parser.hasNext() || parser.next() != JsonParser.Event.START_OBJECT) {
                throw new ProtocolException("malformed-json", "A message must be a JSON object.");
            }
            JsonObject object = parser.getObject();
            if (parser.hasNext()) {
                throw new ProtocolException("malformed-json", "Unexpected text after the JSON object.");
            }
            return object;
        } catch (JsonException | IllegalStateException e) {
            throw new ProtocolException("malformed-json", "The message is not valid JSON.");
        }
    }

    // Signaling messages are shallow; refusing deep nesting early keeps parsers off the stack limit.
    private static void checkDepth(String text) throws ProtocolException {
        int depth = 0;
        boolean inString = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                if (++depth > MAX_DEPTH) {
                    throw new ProtocolException("invalid-message", "The message is nested too deeply.");
                }
            } else if (c == '}' || c == ']') {
                depth--;
            }
        }
    }

    /**
     * JSON-B converts leniently ("yes" becomes false); the protocol is strict. Returns the first
     * field whose JSON type does not fit its record component, or null.
     */
    private static String wrongType(JsonObject object, Class<?> record, String prefix) {
        for (RecordComponent component : record.getRecordComponents()) {
            JsonValue value = object.get(component.getName());
            if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
                continue; // missing fields are reported by the record itself, by name
            }
            Class<?> type = component.getType();
            String path = prefix + component.getName();
            boolean fits = switch (value.getValueType()) {
                // A lone surrogate cannot be sent on as UTF-8: relaying it would break the receiver's socket.
                case STRING -> type == String.class && wellFormed(((JsonString) value).getString());
                case TRUE, FALSE -> type == Boolean.class || type == boolean.class;
                case NUMBER -> (type == Integer.class || type == int.class)
                        && ((JsonNumber) value).isIntegral()
                        && ((JsonNumber) value).bigDecimalValue().abs().compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) <= 0;
                case OBJECT -> type.isRecord();
                default -> false;
            };
            if (!fits) {
                return path;
            }
            if (type.isRecord()) {
                String nested = wrongType(value.asJsonObject(), type, path + ".");
                if (nested != null) {
                    return nested;
                }
            }
        }
        return null;
    }

    private static boolean wellFormed(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    // The most specific cause a person can act on, e.g. "missing field 'to'"; never a stack trace.
    private static String reason(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IllegalArgumentException && t.getMessage() != null && t.getMessage().startsWith("missing field")) {
                return t.getMessage();
            }
        }
        return "a field is missing or has the wrong type.";
    }

    // Echo only harmless characters of what the client sent.
    private static String shorten(String s) {
        String safe = s.codePoints().limit(40)
                .map(cp -> Character.isLetterOrDigit(cp) || cp == '-' || cp == '_' ? cp : '?')
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                .toString();
        return s.length() > 40 ? safe + "…" : safe;
    }
}
