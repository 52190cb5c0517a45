package org.palaver.media.control;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Whose camera each viewer of a Kurento room receives: at most {@code n} of them, the one the
 * viewer pinned first, then the most recent speakers, then those who published earliest. Each
 * viewer holds {@code n} video slots, and a camera keeps its slot for as long as it stays visible, so a switch re-points one slot and the
 * others go on untouched. Plain data, no media server: {@link SfuRoom} acts on what it returns,
 * on its queue only (no lock needed).
 */
public final class LastN {

    private final int n;
    /** Published cameras: the most recent speaker first, then in the order they were published. */
    private final List<String> order = new ArrayList<>();
    /** Each viewer's slots: the camera (participant id) shown in it, or null. */
    private final Map<String, String[]> slots = new HashMap<>();
    /** Cameras switched off: they keep their place in the order but take no slot (kept across {@link #clear}). */
    private final Set<String> dark = new java.util.HashSet<>();
    /** The camera each viewer pinned: theirs whoever speaks (kept across {@link #clear}). */
    private final Map<String, String> pins = new HashMap<>();

    public LastN(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("last-n must be at least 1, not " + n);
        }
        this.n = n;
    }

    public int n() {
        return n;
    }

    /** A camera is published (again): it keeps its place, or comes last when new. */
    public void published(String id) {
        if (!order.contains(id)) {
            order.add(id);
        }
    }

    /** Someone who can watch: their slots, empty until {@link #assign}. */
    public void viewer(String id) {
        slots.computeIfAbsent(id, k -> new String[n]);
    }

    /** Gone from the room: neither shown nor watching any more. */
    public void gone(String id) {
        order.remove(id);
        slots.remove(id);
        dark.remove(id);
        pins.remove(id);
        pins.values().removeIf(id::equals);
    }

    /** {@code viewer} pins {@code id}'s camera, or unpins with null; whether that changed anything. */
    public boolean pin(String viewer, String id) {
        if (id == null || id.equals(viewer)) {
            return pins.remove(viewer) != null;
        }
        return !id.equals(pins.put(viewer, id));
    }

    /** {@code id}'s camera was switched on or off; whether that changed anything. */
    public boolean camera(String id, boolean on) {
        return on ? dark.remove(id) : dark.add(id);
    }

    /** Everything forgotten (the media server session is gone; cameras are published anew). */
    public void clear() {
        order.clear();
        slots.replaceAll((viewer, assigned) -> new String[n]);
    }

    /** {@code id} started speaking: first in the order. Whether the order changed. */
    public boolean spoke(String id) {
        int at = order.indexOf(id);
        if (at <= 0) {
            return false; // not publishing, or first already
        }
        order.remove(at);
        order.add(0, id);
        return true;
    }

    /** The cameras {@code viewer} should see: the one they pinned, then the first in the order but their own. */
    Set<String> visibleTo(String viewer) {
        Set<String> visible = new LinkedHashSet<>();
        String pinned = pins.get(viewer);
        if (pinned != null && order.contains(pinned) && !dark.contains(pinned)) {
            visible.add(pinned);
        }
        for (String id : order) {
            if (visible.size() == n) {
                break;
            }
            if (!id.equals(viewer) && !dark.contains(id)) {
                visible.add(id);
            }
        }
        return visible;
    }

    /** A slot whose camera changed: {@code from} (or null) is replaced by {@code to} (or null). */
    public record Change(String viewer, int slot, String from, String to) {
    }

    /**
     * Brings every viewer's slots in line with the order: a camera still visible keeps its slot,
     * one no longer visible leaves it, and newly visible ones take the free slots, lowest first.
     */
    public List<Change> assign() {
        List<Change> changes = new ArrayList<>();
        for (Map.Entry<String, String[]> entry : slots.entrySet()) {
            String[] assigned = entry.getValue();
            String[] before = assigned.clone();
            Set<String> visible = visibleTo(entry.getKey());
            for (int i = 0; i < n; i++) {
                if (assigned[i] != null && !visible.remove(assigned[i])) {
                    assigned[i] = null; // no longer visible: leaves its slot
                }
            }
            var newcomers = visible.iterator(); // those visible without a slot yet
            for (int i = 0; i < n && newcomers.hasNext(); i++) {
                if (assigned[i] == null) {
                    assigned[i] = newcomers.next();
                }
            }
            for (int i = 0; i < n; i++) {
                if (!Objects.equals(before[i], assigned[i])) {
                    changes.add(new Change(entry.getKey(), i, before[i], assigned[i]));
                }
            }
        }
        return changes;
    }

    /** The camera in each of the viewer's slots (null: empty), or null for someone not watching. */
    public List<String> slotsOf(String viewer) {
        String[] assigned = slots.get(viewer);
        return assigned == null ? null : Arrays.asList(assigned.clone());
    }

    /** The camera in one slot, or null. */
    public String shownIn(String viewer, int slot) {
        String[] assigned = slots.get(viewer);
        return assigned == null || slot < 0 || slot >= n ? null : assigned[slot];
    }

    /** The viewers whose slot shows {@code id}'s camera, with the slot. */
    public Map<String, Integer> showing(String id) {
        Map<String, Integer> where = new HashMap<>();
        slots.forEach((viewer, assigned) -> {
            for (int i = 0; i < n; i++) {
                if (id.equals(assigned[i])) {
                    where.put(viewer, i);
                }
            }
        });
        return where;
    }
}
