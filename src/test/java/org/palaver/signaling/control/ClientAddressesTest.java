package org.palaver.signaling.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ClientAddressesTest {

    private final ClientAddresses addresses = new ClientAddresses();

    @Test
    void theAddressNotedForAHandshakeKeyIsTakenOnce() {
        addresses.expect("key-1", "192.0.2.7");
        addresses.expect("key-2", "2001:db8::1");
        assertEquals("2001:db8::1", addresses.claim("key-2"));
        assertEquals("192.0.2.7", addresses.claim("key-1"));
        assertEquals(ClientAddresses.UNKNOWN, addresses.claim("key-1"), "taken already");
    }

    @Test
    void unknownMissingOrContestedKeysAllCountAsTheOneUnknownAddress() {
        assertEquals(ClientAddresses.UNKNOWN, addresses.claim("never-seen"));
        assertEquals(ClientAddresses.UNKNOWN, addresses.claim(null), "a handshake with two keys leaves none");
        assertEquals(ClientAddresses.UNKNOWN, addresses.claim(42));
        addresses.expect(null, "192.0.2.7");
        addresses.expect("", "192.0.2.7");
        assertEquals(ClientAddresses.UNKNOWN, addresses.claim(""));
        // A key replayed from another address spoils it for both ...
        addresses.expect("same", "192.0.2.7");
        addresses.expect("same", "198.51.100.9");
        assertEquals(ClientAddresses.UNKNOWN, addresses.claim("same"));
        // ... but reusing one's own key keeps one's own address.
        addresses.expect("mine", "192.0.2.7");
        addresses.expect("mine", "192.0.2.7");
        assertEquals("192.0.2.7", addresses.claim("mine"));
    }

    @Test
    void connectionsOfUnknownAddressShareOnePasscodeAllowance() {
        PasscodeGuard guard = new PasscodeGuard();
        for (int i = 0; i < PasscodeGuard.FREE_TRIES_PER_ADDRESS; i++) {
            String hidden = addresses.claim("contested-" + i); // a new connection each time, none with an address
            guard.begin(hidden, "room-a", 0);
            guard.wrong(hidden, "room-a", 0);
        }
        org.palaver.rooms.entity.RoomException slowed = org.junit.jupiter.api.Assertions.assertThrows(
                org.palaver.rooms.entity.RoomException.class, () -> guard.begin(addresses.claim("yet-another"), "room-a", 0));
        assertEquals("too-many-attempts", slowed.code());
    }

    @Test
    void handshakesThatNeverOpenedMakeWayForNewOnes() {
        addresses.expect("abandoned", "192.0.2.7");
        for (int i = 0; i < ClientAddresses.MAX_PENDING; i++) {
            addresses.expect("key-" + i, "192.0.2.8");
        }
        assertEquals(ClientAddresses.UNKNOWN, addresses.claim("abandoned"), "the oldest made way");
        assertEquals("192.0.2.8", addresses.claim("key-" + (ClientAddresses.MAX_PENDING - 1)));
    }
}
