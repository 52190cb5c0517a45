package org.palaver.cluster.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.palaver.cluster.entity.Envelope;

class EnvelopesTest {

    final Envelopes envelopes = new Envelopes();

    @Test
    void everyKindSurvivesTheRoundTrip() throws Exception {
        // frames are relayed as text, whatever they hold: quotes, escapes, lone surrogates the owner must refuse itself
        String hostile = "{\"type\":\"chat\",\"text\":\"\\\"}\\u0000 \u202e \ud800 😀\"}";
        List<Envelope> all = List.of(
                Envelope.open("c1", "AAAAAAAAAAAAAAAAAAAAAA", "10.0.0.0/64"),
                Envelope.in("c1", hostile),
                Envelope.bye("c1"),
                Envelope.out("c1", "{\"type\":\"pong\"}"),
                Envelope.end("c1", 4001, "replaced by a newer connection"),
                Envelope.ask("r1", "AAAAAAAAAAAAAAAAAAAAAA"),
                Envelope.reply("r1", "{\"id\":\"x\"}"),
                Envelope.reply("r2", null),
                Envelope.create("r3", "blue-harbour", false),
                Envelope.create("r5", "blue-harbour", true),
                Envelope.create("r4", null, false));
        for (Envelope envelope : all) {
            String text = envelopes.encode(envelope);
            assertEquals(Optional.of(envelope), envelopes.decode(text), text);
        }
        // every kind Envelope names is here: a kind the decoder does not know would be dropped between nodes
        java.util.Set<Object> kinds = new java.util.HashSet<>();
        for (java.lang.reflect.Field field : Envelope.class.getFields()) {
            if (java.lang.reflect.Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                kinds.add(field.get(null));
            }
        }
        assertEquals(kinds, all.stream().map(Envelope::kind).collect(java.util.stream.Collectors.toSet()));
    }

    @Test
    void keysAreShortAndAbsentFieldsLeftOut() {
        assertEquals("{\"k\":\"bye\",\"i\":\"c1\"}", envelopes.encode(Envelope.bye("c1")));
    }

    @Test
    void anythingElseIsDroppedNotHalfRead() {
        for (String bad : List.of("", "[]", "{", "null", "{\"k\":\"in\"}", "{\"i\":\"c1\"}", "{\"k\":\"evil\",\"i\":\"c1\"}",
                "{\"k\":1,\"i\":\"c1\"}", "{\"k\":\"in\",\"i\":\"c1\"} trailing")) {
            assertFalse(envelopes.decode(bad).isPresent(), bad);
        }
        Envelope odd = envelopes.decode("{\"k\":\"end\",\"i\":\"c1\",\"c\":\"4001\",\"t\":5}").orElseThrow();
        assertEquals(null, odd.code(), "a code that is no number is no code");
        assertEquals(null, odd.text());
        assertTrue(envelopes.decode("{\"k\":\"end\",\"i\":\"c1\",\"c\":1.5}").map(e -> e.code() == null).orElse(false));
    }
}
