package org.palaver.signaling.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClientAddressesTest {

    private final ClientAddresses addresses = new ClientAddresses();

    @Test
    void theAddressNotedForAHandshakeKeyIsTakenOnce() {
        addresses.expect("key-1", "192.0.2.7");
        addresses.expect("key-2", "2001:db8::1");
        assertEquals(Optional.of("2001:db8::1"), addresses.claim("key-2"));
        assertEquals(Optional.of("192.0.2.7"), addresses.claim("key-1"));
        assertTrue(addresses.claim("key-1").isEmpty(), "taken already");
    }

    @Test
    void unknownMissingOrContestedKeysGiveNoAddress() {
        assertTrue(addresses.claim("never-seen").isEmpty());
        assertTrue(addresses.claim(null).isEmpty());
        assertTrue(addresses.claim(42).isEmpty());
        addresses.expect(null, "192.0.2.7");
        addresses.expect("", "192.0.2.7");
        assertTrue(addresses.claim("").isEmpty());
        // A key replayed from another address spoils it for both ...
        addresses.expect("same", "192.0.2.7");
        addresses.expect("same", "198.51.100.9");
        assertTrue(addresses.claim("same").isEmpty());
        // ... but reusing one's own key keeps one's own address.
        addresses.expect("mine", "192.0.2.7");
        addresses.expect("mine", "192.0.2.7");
        assertEquals(Optional.of("192.0.2.7"), addresses.claim("mine"));
    }

    @Test
    void handshakesThatNeverOpenedMakeWayForNewOnes() {
        addresses.expect("abandoned", "192.0.2.7");
        for (int i = 0; i < ClientAddresses.MAX_PENDING; i++) {
            addresses.expect("key-" + i, "192.0.2.8");
        }
        assertTrue(addresses.claim("abandoned").isEmpty(), "the oldest made way");
        assertEquals(Optional.of("192.0.2.8"), addresses.claim("key-" + (ClientAddresses.MAX_PENDING - 1)));
    }
}
