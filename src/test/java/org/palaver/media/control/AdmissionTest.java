package org.palaver.media.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.palaver.media.entity.ServerLoad;

class AdmissionTest {

    @Test
    void aNewcomerAddsTheirEndpointsAndASlotForEveryViewerWithOneFree() {
        // alone: publisher, mix endpoint, hub port
        assertEquals(3, Admission.elementsForNewcomer(0, 9));
        // the second: those three, a slot of their own, and one for the first person
        assertEquals(5, Admission.elementsForNewcomer(1, 9));
        // the tenth with last-n 9: nine slots of their own, one more for each of the nine
        assertEquals(3 + 9 + 9, Admission.elementsForNewcomer(9, 9));
        // the eleventh: every viewer's slots are taken already
        assertEquals(3 + 9, Admission.elementsForNewcomer(10, 9));
        assertEquals(3 + 9, Admission.elementsForNewcomer(49, 9));
    }

    @Test
    void aServerAtItsCpuLimitRefusesAndSaysWhy() {
        Admission rule = new Admission(85f, 0);
        assertTrue(rule.refusal(new ServerLoad(1, 10, 84.9f), 0, 20).isEmpty());
        String why = rule.refusal(new ServerLoad(1, 10, 85f), 0, 20).orElseThrow();
        assertTrue(why.contains("85 %"), why);
    }

    @Test
    void withoutAnElementCapOnlyTheCpuCounts() {
        assertTrue(new Admission(85f, 0).refusal(new ServerLoad(1, 100_000, 10f), 50_000, 20).isEmpty());
    }

    @Test
    void anElementCapCountsWhatWasPromisedSinceTheLastReading() {
        Admission rule = new Admission(85f, 100);
        assertTrue(rule.refusal(new ServerLoad(1, 60, 10f), 20, 20).isEmpty(), "60 + 20 + 20 = 100 fits");
        String why = rule.refusal(new ServerLoad(1, 60, 10f), 21, 20).orElseThrow();
        assertTrue(why.contains("81 elements") && why.contains("100"), why);
    }

    @Test
    void aMediaServerPromisesWhatItLetsInUntilTheCapIsReached() {
        MediaServer server = new MediaServer(URI.create("ws://kms.invalid:8888/kurento"), null, Duration.ofSeconds(1));
        Admission rule = new Admission(85f, 12);
        assertTrue(server.admit(rule, 5).isEmpty());
        assertTrue(server.admit(rule, 5).isEmpty());
        assertTrue(server.admit(rule, 5).isPresent(), "15 elements promised would pass the cap of 12");
        assertTrue(server.admit(rule, 2).isEmpty(), "a refusal promises nothing: 10 + 2 fits");
    }
}
