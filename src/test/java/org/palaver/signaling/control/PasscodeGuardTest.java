package org.palaver.signaling.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.palaver.rooms.entity.RoomException;

class PasscodeGuardTest {

    private final PasscodeGuard guard = new PasscodeGuard();

    private void guessWrong(String address, String room, long now) {
        guard.begin(address, room, now);
        guard.wrong(address, room, now);
    }

    private void assertSlowed(String address, String room, long now) {
        RoomException slowed = assertThrows(RoomException.class, () -> guard.begin(address, room, now));
        assertEquals("too-many-attempts", slowed.code());
    }

    @Test
    void countsAnAddressPerRoomAndForgetsItAfterTheRightPasscode() {
        for (int i = 0; i < PasscodeGuard.FREE_TRIES_PER_ADDRESS; i++) {
            guessWrong("10.1.1.1", "room-a", 0);
        }
        assertSlowed("10.1.1.1", "room-a", 0);
        guard.begin("10.1.1.1", "room-b", 0);
        guard.begin("10.2.2.2", "room-a", 0);
        guard.right("10.1.1.1", "room-a");
        guard.begin("10.1.1.1", "room-a", 0);
    }

    @Test
    void otherFailuresCountNeitherWayAndQuietAddressesAreForgotten() {
        for (int i = 0; i < PasscodeGuard.FREE_TRIES_PER_ADDRESS * 3; i++) {
            guard.begin("10.1.1.1", "room-a", 0);
            guard.undecided("10.1.1.1", "room-a", 0); // e.g. room full
        }
        for (int i = 0; i < PasscodeGuard.FREE_TRIES_PER_ADDRESS; i++) {
            guessWrong("10.1.1.1", "room-a", 0);
        }
        assertSlowed("10.1.1.1", "room-a", 1);
        guard.begin("10.1.1.1", "room-a", PasscodeGuard.FORGET_AFTER_NANOS + 1);
    }

    @Test
    void manyRightPasscodesAtOnceFromOneAddressAllGoAhead() {
        int crowd = 2 * PasscodeGuard.FREE_TRIES_PER_ADDRESS;
        for (int i = 0; i < crowd; i++) {
            guard.begin("10.1.1.1", "room-a", 0); // none judged yet
        }
        for (int i = 0; i < crowd; i++) {
            guard.right("10.1.1.1", "room-a");
        }
        guard.begin("10.1.1.1", "room-a", 0);
    }

    @Test
    void ipv6ClientsCountPerSlash64() {
        assertEquals(PasscodeGuard.key("2001:db8:1:2::1", "r"), PasscodeGuard.key("2001:db8:1:2:ffff::9", "r"));
        assertNotEquals(PasscodeGuard.key("2001:db8:1:2::1", "r"), PasscodeGuard.key("2001:db8:1:3::1", "r"));
        assertEquals("192.0.2.7 r", PasscodeGuard.key("192.0.2.7", "r"));
    }
}
