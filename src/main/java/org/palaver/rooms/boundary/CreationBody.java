package org.palaver.rooms.boundary;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import org.palaver.platform.Refused;
import org.palaver.rooms.entity.RoomException;

/**
 * The optional body of {@code POST /api/rooms}: nothing, or a small JSON object like
 * {@code {"passcode": "...", "membersOnly": true}} (both optional). Read only up to its limit, so
 * a huge body costs no memory.
 */
record CreationBody(Optional<String> passcode, boolean membersOnly) {

    static final CreationBody NONE = new CreationBody(Optional.empty(), false);


    static final int MAX_BYTES = 4 * 1024;

    static CreationBody read(String contentType, long contentLength, InputStream body) {
        if (contentLength > MAX_BYTES) {
            throw tooLarge();
        }
        if (contentLength > 0 && !isJson(contentType)) {
            throw unsupported(); // before reading: the container may already have taken a form body apart
        }
        byte[] bytes;
        try {
            bytes = body == null ? new byte[0] : body.readNBytes(MAX_BYTES + 1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (bytes.length > MAX_BYTES) {
            throw tooLarge();
        }
        if (bytes.length == 0) {
            return NONE;
        }
        if (!isJson(contentType)) {
            throw unsupported();
        }
        return of(text(bytes));
    }

    private static boolean isJson(String contentType) {
        return contentType != null
                && contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT).equals("application/json");
    }

    private static String text(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw invalid();
        }
    }

    private static CreationBody of(String body) {
        if (body.isBlank()) {
            return NONE;
        }
        try (JsonReader reader = Json.createReader(new StringReader(body))) {
            JsonObject object = reader.readObject();
            JsonValue passcode = object.getOrDefault("passcode", JsonValue.NULL);
            JsonValue members = object.getOrDefault("membersOnly", JsonValue.NULL);
            boolean passcodeOk = passcode.getValueType() == JsonValue.ValueType.NULL || passcode instanceof JsonString;
            boolean membersOk = switch (members.getValueType()) {
                case NULL, TRUE, FALSE -> true;
                default -> false;
            };
            if (passcodeOk && membersOk) {
                return new CreationBody(passcode instanceof JsonString text ? Optional.of(text.getString()) : Optional.empty(),
                        members.getValueType() == JsonValue.ValueType.TRUE);
            }
        } catch (JsonException | ClassCastException e) {
            // falls through to the error below
        }
        throw invalid();
    }

    private static RoomException invalid() {
        return new RoomException("invalid-request", "The body must be empty or a JSON object like {\"passcode\": \"...\", \"membersOnly\": true}.");
    }

    private static Refused unsupported() {
        return new Refused(415, "unsupported-media-type", "Send the body as application/json, or send no body.");
    }

    private static Refused tooLarge() {
        return new Refused(413, "request-too-large", "The body of a room creation is at most " + MAX_BYTES + " bytes.");
    }
}
