package org.palaver.media.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OfferGateTest {

    long now = 0;
    final OfferGate gate = new OfferGate(2, () -> now);
    final List<String> started = new ArrayList<>();

    @Test
    void atMostTheLimitGoAtOnceAndTheRestGoInOrderAsPlacesAreGivenBack() {
        assertTrue(gate.enter(() -> started.add("a")));
        assertTrue(gate.enter(() -> started.add("b")));
        assertFalse(gate.enter(() -> started.add("c")));
        assertFalse(gate.enter(() -> started.add("d")));
        assertEquals(List.of(), started, "those let through at once are the caller's to send");
        assertEquals(2, gate.inFlight());
        assertEquals(2, gate.waiting());

        gate.leave();
        assertEquals(List.of("c"), started, "the first waiting takes the place");
        assertEquals(2, gate.inFlight());
        gate.leave();
        gate.leave();
        assertEquals(List.of("c", "d"), started);
        assertEquals(1, gate.inFlight());
        gate.leave();
        assertEquals(0, gate.inFlight());
        assertTrue(gate.enter(() -> started.add("e")), "open again");
    }

    @Test
    void placesNeverGivenBackAreTakenForLostAfterALongStall() {
        gate.enter(() -> { });
        gate.enter(() -> { });
        now += OfferGate.STALLED.toNanos() / 2;
        assertFalse(gate.enter(() -> started.add("w")), "slow answers are waited for");
        now += OfferGate.STALLED.toNanos();
        assertTrue(gate.enter(() -> started.add("x")), "after the stall the one that waited goes first, and this one takes the other place");
        assertEquals(List.of("w"), started);
        assertEquals(2, gate.inFlight());
        assertFalse(gate.enter(() -> started.add("y")));
        gate.leave();
        assertEquals(List.of("w", "y"), started);
        for (int i = 0; i < 4; i++) {
            gate.leave(); // the late answers of the lost ones too
        }
        assertEquals(0, gate.inFlight(), "never below empty");
        assertTrue(gate.enter(() -> { }));
        assertTrue(gate.enter(() -> { }));
        assertFalse(gate.enter(() -> { }), "nor wider than its limit");
    }

    @Test
    void aGateHasRoomForOne() {
        assertThrows(IllegalArgumentException.class, () -> new OfferGate(0));
    }
}
