package org.palaver.media.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LastNTest {

    private static LastN room(int n, String... people) {
        LastN lastN = new LastN(n);
        for (String id : people) {
            lastN.viewer(id);
            lastN.published(id);
        }
        lastN.assign();
        return lastN;
    }

    private static Set<String> shown(LastN lastN, String viewer) {
        Set<String> shown = new HashSet<>(lastN.slotsOf(viewer));
        shown.remove(null);
        return shown;
    }

    @Test
    void aSmallRoomShowsEveryoneElseAndNobodyTheirOwnCamera() {
        LastN lastN = room(9, "a", "b", "c");
        assertEquals(Set.of("b", "c"), shown(lastN, "a"));
        assertEquals(Set.of("a", "c"), shown(lastN, "b"));
        assertEquals(Arrays.asList("b", "c", null, null, null, null, null, null, null), lastN.slotsOf("a"));
    }

    @Test
    void eachViewerGetsAtMostNCamerasTheEarliestPublishedFirst() {
        LastN lastN = room(3, "a", "b", "c", "d", "e", "f");
        assertEquals(Set.of("b", "c", "d"), shown(lastN, "a"));
        assertEquals(Set.of("a", "b", "c"), shown(lastN, "f"));
        assertEquals(Set.of("a", "c", "d"), shown(lastN, "b"), "their own camera frees a place for the next");
    }

    @Test
    void aPinnedCameraStaysInTheViewersSlotsWhoeverSpeaksAndOnlyForThatViewer() {
        LastN lastN = room(2, "a", "b", "c", "d");
        assertEquals(Set.of("b", "c"), shown(lastN, "a"));
        assertTrue(lastN.pin("a", "d"));
        assertFalse(lastN.pin("a", "d"), "pinning the same again changes nothing");
        List<LastN.Change> changes = lastN.assign();
        assertEquals(List.of(new LastN.Change("a", 1, "c", "d")), changes, "one slot of a's, nobody else's");
        assertEquals(Set.of("b", "d"), shown(lastN, "a"));

        // Two others speak: a keeps d, the other slot follows the speakers.
        lastN.spoke("c");
        lastN.spoke("b");
        lastN.assign();
        assertEquals(Set.of("b", "d"), shown(lastN, "a"));
        assertEquals(Set.of("b", "c"), shown(lastN, "d"), "d pinned nobody: the latest speakers");

        // A pinned camera switched off takes no slot; on again, it is back.
        lastN.camera("d", false);
        lastN.assign();
        assertEquals(Set.of("b", "c"), shown(lastN, "a"));
        lastN.camera("d", true);
        lastN.assign();
        assertEquals(Set.of("b", "d"), shown(lastN, "a"));

        // Unpinned: the order alone decides again.
        assertTrue(lastN.pin("a", null));
        lastN.assign();
        assertEquals(Set.of("b", "c"), shown(lastN, "a"));
        assertFalse(lastN.pin("a", "a"), "one's own camera is never pinned");
    }

    @Test
    void aPinnedPersonWhoLeavesIsUnpinned() {
        LastN lastN = room(1, "a", "b", "c");
        lastN.pin("a", "c");
        lastN.assign();
        assertEquals(Set.of("c"), shown(lastN, "a"));
        lastN.gone("c");
        lastN.assign();
        assertEquals(Set.of("b"), shown(lastN, "a"));
        lastN.published("c"); // someone publishing under that id again is not pinned by a
        lastN.spoke("b");
        lastN.assign();
        assertEquals(Set.of("b"), shown(lastN, "a"));
        assertFalse(lastN.pin("a", null), "nothing was pinned any more");
    }

    @Test
    void aSpeakerComesInAndTheLeastRecentLeavesOnlyThatSlotChanging() {
        LastN lastN = room(3, "a", "b", "c", "d", "e", "f");
        assertTrue(lastN.spoke("e"));
        List<LastN.Change> changes = lastN.assign();
        // Viewer a saw b, c, d in slots 0..2: d (now fourth) makes way for e in its slot.
        assertTrue(changes.contains(new LastN.Change("a", 2, "d", "e")), changes.toString());
        assertEquals(Arrays.asList("b", "c", "e"), lastN.slotsOf("a"));
        // e itself keeps seeing a, b, c: nothing changes for e.
        assertFalse(changes.stream().anyMatch(c -> c.viewer().equals("e")), changes.toString());
        // Every change moves one slot: no viewer has a slot emptied and another filled.
        for (LastN.Change change : changes) {
            assertTrue(change.from() != null && change.to() != null, change.toString());
        }
    }

    @Test
    void speakingAgainWhenFirstAlreadyChangesNothing() {
        LastN lastN = room(2, "a", "b", "c");
        assertFalse(lastN.spoke("a"));
        assertFalse(lastN.spoke("nobody"), "someone not publishing does not enter the order");
        assertTrue(lastN.assign().isEmpty());
    }

    @Test
    void someoneLeavingFreesTheirSlotsForTheNextCamera() {
        LastN lastN = room(2, "a", "b", "c", "d");
        assertEquals(Arrays.asList("b", "c"), lastN.slotsOf("a"));
        lastN.gone("b");
        List<LastN.Change> changes = lastN.assign();
        assertEquals(Arrays.asList("d", "c"), lastN.slotsOf("a"));
        assertTrue(changes.contains(new LastN.Change("a", 0, "b", "d")), changes.toString());
        assertEquals(null, lastN.slotsOf("b"), "gone: no slots");
        assertTrue(lastN.showing("b").isEmpty());
    }

    @Test
    void aViewerWithoutCameraWatchesAndIsNeverShown() {
        LastN lastN = room(2, "a", "b");
        lastN.viewer("listener");
        List<LastN.Change> changes = lastN.assign();
        assertEquals(Arrays.asList("a", "b"), lastN.slotsOf("listener"));
        assertEquals(2, changes.size());
        assertFalse(shown(lastN, "a").contains("listener"));
    }

    @Test
    void aCameraSwitchedOffMakesWayAndTakesItsPlaceBackWhenOn() {
        LastN lastN = room(2, "a", "b", "c", "d");
        assertEquals(Arrays.asList("b", "c"), lastN.slotsOf("a"));
        assertTrue(lastN.camera("b", false));
        lastN.assign();
        assertEquals(Arrays.asList("d", "c"), lastN.slotsOf("a"), "a dark camera's slot goes to the next one");
        lastN.spoke("b");
        lastN.assign();
        assertFalse(shown(lastN, "a").contains("b"), "speaking with the camera off takes no slot");
        assertTrue(lastN.camera("b", true));
        assertFalse(lastN.camera("b", true), "no change twice");
        lastN.assign();
        assertTrue(shown(lastN, "a").contains("b"), "on again, and a recent speaker: shown");
    }

    @Test
    void clearingKeepsTheViewersAndEmptiesTheirSlots() {
        LastN lastN = room(2, "a", "b");
        lastN.clear();
        assertEquals(Arrays.asList(null, null), lastN.slotsOf("a"));
        lastN.published("b");
        assertEquals(List.of(new LastN.Change("a", 0, null, "b")), lastN.assign());
    }

    @Test
    void slotsAreBoundedAndNeverShowACameraTwice() {
        LastN lastN = room(4, "a", "b", "c", "d", "e", "f", "g", "h");
        String[] speakers = {"h", "c", "g", "a", "h", "e", "b", "f", "d", "g"};
        for (String speaker : speakers) {
            lastN.spoke(speaker);
            lastN.assign();
            for (String viewer : List.of("a", "b", "c", "d", "e", "f", "g", "h")) {
                List<String> slots = new ArrayList<>(lastN.slotsOf(viewer));
                slots.removeIf(Objects::isNull);
                assertEquals(4, slots.size(), viewer + " " + slots);
                assertEquals(4, new HashSet<>(slots).size(), viewer + " " + slots);
                assertFalse(slots.contains(viewer));
                if (!viewer.equals(speaker)) {
                    assertTrue(slots.contains(speaker), "the one who spoke last is seen by " + viewer);
                }
            }
        }
        assertEquals(Set.of("a", "b", "c", "d", "e", "f", "h"), lastN.showing("g").keySet(), "the last speaker, seen by all others");
        assertThrows(IllegalArgumentException.class, () -> new LastN(0));
    }
}
