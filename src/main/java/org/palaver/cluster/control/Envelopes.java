package org.palaver.cluster.control;

import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonParser;
import java.io.StringReader;
import java.util.Optional;
import java.util.Set;
import org.palaver.cluster.entity.Envelope;

/**
 * {@link Envelope}s to JSON text and back. Short keys, because every relayed signaling frame pays
 * for them; an envelope a node cannot read is dropped (empty), never half-applied. Thread-safe.
 */
public final class Envelopes {

    private static final Set<String> KINDS = Set.of(Envelope.OPEN, Envelope.IN, Envelope.BYE, Envelope.OUT, Envelope.END,
            Envelope.ASK, Envelope.REPLY, Envelope.CREATE, Envelope.CREATE_MEMBERS_ONLY);
    // JsonProvider.provider() searches the class path on every call: one lookup serves all.
    private final JsonProvider json = JsonProvider.provider();

    public String encode(Envelope envelope) {
        JsonObjectBuilder object = json.createObjectBuilder().add("k", envelope.kind()).add("i", envelope.id());
        add(object, "r", envelope.room());
        add(object, "a", envelope.address());
        add(object, "t", envelope.text());
        if (envelope.code() != null) {
            object.add("c", envelope.code());
        }
        return object.build().toString();
    }

    private static void add(JsonObjectBuilder object, String key, String value) {
        if (value != null) {
            object.add(key, value);
        }
    }

    public Optional<Envelope> decode(String text) {
        try (JsonParser parser = json.createParser(new StringReader(text))) {
            if (!parser.hasNext() || parser.next() != JsonParser.Event.START_OBJECT) {
                return Optional.empty();
            }
            JsonObject object = parser.getObject();
            if (parser.hasNext()) {
                return Optional.empty();
            }
            String kind = string(object, "k");
            String id = string(object, "i");
            if (kind == null || id == null || !KINDS.contains(kind)) {
                return Optional.empty();
            }
            JsonValue code = object.get("c");
            return Optional.of(new Envelope(kind, id, string(object, "r"), string(object, "a"), string(object, "t"),
                    code instanceof JsonNumber number && number.isIntegral() ? number.intValue() : null));
        } catch (JsonException | IllegalStateException | ClassCastException e) {
            return Optional.empty();
        }
    }

    private static String string(JsonObject object, String key) {
        return object.get(key) instanceof JsonString value ? value.getString() : null;
    }
}
