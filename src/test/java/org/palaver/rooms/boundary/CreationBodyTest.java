package org.palaver.rooms.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.palaver.platform.Refused;
import org.palaver.rooms.entity.RoomException;

class CreationBodyTest {

    static InputStream body(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void nothingOrJsonWithAnOptionalPasscode() {
        assertEquals(Optional.empty(), passcode(null, 0, body("")));
        assertEquals(Optional.empty(), passcode(null, -1, null));
        assertEquals(Optional.empty(), passcode("text/plain", 0, body("")), "no body: its type does not matter");
        assertEquals(Optional.of("blue-harbour"), passcode("application/json", 27, body("{\"passcode\":\"blue-harbour\"}")));
        assertEquals(Optional.of("blue-harbour"), passcode("Application/JSON; charset=UTF-8", -1, body("{\"passcode\":\"blue-harbour\"}")));
        assertEquals(Optional.empty(), passcode("application/json", 2, body("{}")));
    }

    @Test
    void aBodyOverTheLimitIsRefusedUnreadOrReadOnlyToTheLimit() {
        Refused declared = assertThrows(Refused.class, () -> passcode("application/json", 50_000_000, body("")));
        assertEquals(413, declared.status());
        assertEquals("request-too-large", declared.code());
        String big = "{\"passcode\":\"" + "x".repeat(64 * 1024) + "\"}";
        ByteArrayInputStream chunked = new ByteArrayInputStream(big.getBytes(StandardCharsets.UTF_8));
        assertEquals(413, assertThrows(Refused.class, () -> passcode("application/json", -1, chunked)).status());
        assertEquals(big.length() - CreationBody.MAX_BYTES - 1, chunked.available(), "read no further than the limit");
    }

    @Test
    void aBodyOfAnotherTypeIsRefused() {
        for (String type : new String[] {null, "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                "application/jsonp"}) {
            Refused refused = assertThrows(Refused.class, () -> passcode(type, 10, body("passcode=x")), type);
            assertEquals(415, refused.status());
            assertEquals("unsupported-media-type", refused.code());
            assertEquals(415, assertThrows(Refused.class, () -> passcode(type, -1, body("passcode=x")), type).status());
        }
    }

    @Test
    void badJsonIsAnInvalidRequest() {
        for (String bad : new String[] {"not json", "[1]", "{\"passcode\":42}", "{\"passcode\":"}) {
            RoomException refused = assertThrows(RoomException.class, () -> passcode("application/json", -1, body(bad)), bad);
            assertEquals("invalid-request", refused.code());
        }
        byte[] notUtf8 = {'{', '"', 'p', '"', ':', '"', (byte) 0xC3, '"', '}'};
        assertThrows(RoomException.class, () -> passcode("application/json", -1, new ByteArrayInputStream(notUtf8)));
    }

    @Test
    void membersOnlyIsABooleanBesideThePasscode() {
        CreationBody both = CreationBody.read("application/json", -1, body("{\"passcode\":\"blue-harbour\",\"membersOnly\":true}"));
        assertEquals(Optional.of("blue-harbour"), both.passcode());
        assertEquals(true, both.membersOnly());
        assertEquals(false, CreationBody.read("application/json", -1, body("{\"membersOnly\":false}")).membersOnly());
        assertEquals(false, CreationBody.read("application/json", -1, body("{\"passcode\":\"x\"}")).membersOnly());
        for (String bad : new String[] {"{\"membersOnly\":\"yes\"}", "{\"membersOnly\":1}"}) {
            assertEquals("invalid-request", assertThrows(RoomException.class,
                    () -> CreationBody.read("application/json", -1, body(bad))).code(), bad);
        }
    }

    private static Optional<String> passcode(String contentType, long length, InputStream body) {
        return CreationBody.read(contentType, length, body).passcode();
    }
}
