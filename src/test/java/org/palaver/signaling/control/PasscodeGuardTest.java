package org.palaver.signaling.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.palaver.rooms.entity.RoomException;

class PasscodeGuardTest {

    @Test
    void guardCountsAnAddressPerRoomAndForgetsItAfterTheRightPasscode() {
        PasscodeGuard guard = new PasscodeGuard();
        for (int i = 0; i < PasscodeGuard.FREE_TRIES_PER_ADDRESS - 1; i++) {
            guard.wrong("10.1.1.1", "room-a", 0);
        }
        guard.check("10.1.1.1", "room-a", 0); // one free try left
        guard.wrong("10.1.1.1", "room-a", 0);
        RoomException slowed = assertThrows(RoomException.class,
                () -> guard.check("10.1.1.1", "room-a", 0));
        assertEquals("too-many-attempts", slowed.code());
        guard.check("10.1.1.1", "room-b", 0);
        guard.check("10.2.2.2", "room-a", 0);
        guard.right("10.1.1.1", "room-a");
        guard.check("10.1.1.1", "room-a", 0);
    }
}
