package org.palaver.signaling.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SocketsPerAddressTest {

    private final SocketsPerAddress sockets = new SocketsPerAddress(3);

    @Test
    void anAddressMayHoldOnlySoManySocketsAndGetsOneBackWhenOneCloses() {
        for (int i = 0; i < 3; i++) {
            assertTrue(sockets.tryOpen("192.0.2.7"));
        }
        assertFalse(sockets.tryOpen("192.0.2.7"));
        assertEquals(3, sockets.open("192.0.2.7"), "a refused socket is not counted");
        assertTrue(sockets.tryOpen("192.0.2.8"), "other addresses are not affected");
        sockets.closed("192.0.2.7");
        assertTrue(sockets.tryOpen("192.0.2.7"));
    }

    @Test
    void ipv6CountsPerSlash64AndUnknownAddressesCountAsOne() {
        assertTrue(sockets.tryOpen("2001:db8:1:2::1"));
        assertTrue(sockets.tryOpen("2001:db8:1:2::2"));
        assertTrue(sockets.tryOpen("2001:db8:1:2:ffff::9"));
        assertFalse(sockets.tryOpen("2001:db8:1:2::4"));
        for (int i = 0; i < 3; i++) {
            assertTrue(sockets.tryOpen(ClientAddresses.UNKNOWN));
        }
        assertFalse(sockets.tryOpen(ClientAddresses.UNKNOWN));
        for (int i = 0; i < 3; i++) {
            sockets.closed(ClientAddresses.UNKNOWN);
        }
        assertEquals(0, sockets.open(ClientAddresses.UNKNOWN), "nothing kept for an address without sockets");
    }
}
