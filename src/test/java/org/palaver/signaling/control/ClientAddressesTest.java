package org.palaver.signaling.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClientAddressesTest {

    private final ClientAddresses addresses = new ClientAddresses();

    @Test
    void theAddressNotedForAHandshakeKeyIsTakenOnce() {
        addresses.expect("key-1", "192.0.2.7", 0);
        addresses.expect("key-2", "2001:db8::1", 0);
        assertEquals(Optional.of("2001:db8::1"), addresses.claim("key-2"));
        assertEquals(Optional.of("192.0.2.7"), addresses.claim("key-1"));
        assertTrue(addresses.claim("key-1").isEmpty(), "taken already");
    }

    @Test
    void unknownMissingOrContestedKeysGiveNoAddress() {
        assertTrue(addresses.claim("never-seen").isEmpty());
        assertTrue(addresses.claim(null).isEmpty());
        assertTrue(addresses.claim(42).isEmpty());
        addresses.expect(null, "192.0.2.7", 0);
        addresses.expect("", "192.0.2.7", 0);
        assertTrue(addresses.claim("").isEmpty());
        // A second handshake presenting the same key (a client replaying another's) spoils it for both.
        addresses.expect("same", "192.0.2.7", 0);
        addresses.expect("same", "198.51.100.9", 0);
        assertTrue(addresses.claim("same").isEmpty());
    }

    @Test
    void handshakesThatNeverOpenedAreForgottenOnceManyWait() {
        for (int i = 0; i < 1_000; i++) {
            addresses.expect("abandoned-" + i, "192.0.2.7", 0);
        }
        long later = 31_000_000_000L;
        addresses.expect("fresh", "192.0.2.8", later);
        assertTrue(addresses.claim("abandoned-0").isEmpty(), "older than 30 s and over the bound: forgotten");
        assertEquals(Optional.of("192.0.2.8"), addresses.claim("fresh"));
    }
}
