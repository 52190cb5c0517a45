package org.palaver.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PublicUrlTest {

    static PublicUrl of(String configured) {
        PublicUrl url = new PublicUrl();
        url.configured = Optional.ofNullable(configured);
        url.parse();
        return url;
    }

    @Test
    void unsetUsesTheRequestsSite() {
        assertEquals(URI.create("http://10.0.0.5:8080/room/abc"), of(null).resolve(URI.create("http://10.0.0.5:8080/"), "room/abc"));
        assertEquals(URI.create("http://10.0.0.5:8080/room/abc"), of("  ").resolve(URI.create("http://10.0.0.5:8080/"), "room/abc"));
    }

    @Test
    void setItWinsOverTheRequest() {
        URI request = URI.create("http://evil.example/");
        assertEquals(URI.create("https://meet.corp.example/room/abc"), of("https://meet.corp.example").resolve(request, "room/abc"));
        assertEquals(URI.create("https://meet.corp.example/api/rooms/abc"), of("https://meet.corp.example/").resolve(request, "api/rooms/abc"));
        assertEquals(URI.create("https://corp.example:8443/palaver/room/abc"),
                of("HTTPS://corp.example:8443/palaver").resolve(request, "room/abc"));
    }

    @Test
    void anythingButAnAbsoluteHttpUrlIsRefused() {
        for (String bad : new String[] {"meet.corp.example", "/palaver", "ftp://meet.corp.example/", "https://meet.corp.example/?a=b",
                "https://user@meet.corp.example/", "https://meet.corp.example/#x", "https:// bad"}) {
            assertThrows(IllegalArgumentException.class, () -> of(bad), bad);
        }
    }
}
