package org.palaver.media.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.palaver.media.control.Placement.Candidate;
import org.palaver.media.entity.ServerLoad;

class PlacementTest {

    static Candidate server(String url, boolean live, int elements, float cpu, int placed, int roomsHere) {
        return new Candidate(url, live, new ServerLoad(elements / 4, elements, cpu), placed, roomsHere);
    }

    static String chosen(List<Candidate> servers, String preferred) {
        return Placement.choose(servers, preferred).map(Candidate::url).orElse("none");
    }

    @Test
    void aNewRoomGoesToTheServerWithFewestElements() {
        assertEquals("b", chosen(List.of(server("a", true, 40, 10, 0, 3), server("b", true, 12, 30, 0, 5),
                server("c", true, 20, 5, 0, 1)), null));
    }

    @Test
    void roomsPlacedSinceTheLastReadingCountSoABurstSpreads() {
        // Four rooms made in a row, before any reading shows their endpoints: two and two.
        List<Candidate> servers = new ArrayList<>(List.of(server("a", true, 0, 0, 0, 0), server("b", true, 0, 0, 0, 0)));
        List<String> placed = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String url = chosen(servers, null);
            placed.add(url);
            int at = url.equals("a") ? 0 : 1;
            Candidate c = servers.get(at);
            servers.set(at, new Candidate(c.url(), true, c.load(), c.placedSinceRead() + 1, c.roomsHere() + 1));
        }
        assertEquals(List.of("a", "b", "a", "b"), placed);
    }

    @Test
    void equalLoadsGoToTheServerWithFewerRoomsOfThisNode() {
        assertEquals("b", chosen(List.of(server("a", true, 8, 0, 0, 2), server("b", true, 8, 0, 0, 1)), null));
    }

    @Test
    void aServerOverTheCpuCapIsSkippedWhileAnotherIsUnderIt() {
        assertEquals("b", chosen(List.of(server("a", true, 0, Placement.CPU_CAP, 0, 0), server("b", true, 200, 20, 0, 9)), null));
        // All over the cap: still the least loaded, rather than no room at all.
        assertEquals("b", chosen(List.of(server("a", true, 50, 99, 0, 0), server("b", true, 10, 90, 0, 0)), null));
    }

    @Test
    void deadServersAreNeverChosenAndNoneLiveMeansNone() {
        assertEquals("b", chosen(List.of(server("a", false, 0, 0, 0, 0), server("b", true, 500, 50, 0, 9)), null));
        assertEquals(Optional.empty(), Placement.choose(List.of(server("a", false, 0, 0, 0, 0)), null));
    }

    @Test
    void aRoomTakenOverStaysOnItsServerWhileThatIsLive() {
        List<Candidate> servers = List.of(server("a", true, 0, 0, 0, 0), server("b", true, 300, 80, 0, 9));
        assertEquals("b", chosen(servers, "b"));
        List<Candidate> bDead = List.of(server("a", true, 0, 0, 0, 0), server("b", false, 300, 80, 0, 9));
        assertEquals("a", chosen(bDead, "b"));
        assertTrue(Placement.choose(servers, "gone").isPresent(), "an unknown preferred server falls back to the least loaded");
    }
}
