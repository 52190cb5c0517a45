package org.palaver.media.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

class MediaServiceUrlsTest {

    @Test
    void aCommaSeparatedListGivesEachServerOnceInOrder() {
        assertEquals(List.of(URI.create("ws://kms-a:8888/kurento"), URI.create("wss://kms-b/kurento")),
                MediaService.urls(" ws://kms-a:8888/kurento , wss://kms-b/kurento,,ws://kms-a:8888/kurento "));
        assertEquals(List.of(), MediaService.urls(""));
        assertEquals(List.of(), MediaService.urls(" , "));
    }

    @Test
    void anyUrlThatIsNotWebSocketIsRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MediaService.urls("ws://kms-a:8888/kurento,http://kms-b:8888/kurento"));
        assertEquals("'http://kms-b:8888/kurento' is not a ws:// or wss:// URL", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> MediaService.urls("ws://"));
        assertThrows(IllegalArgumentException.class, () -> MediaService.urls("ws://a b"));
    }
}
