package org.palaver.cluster.control;

import jakarta.json.bind.Jsonb;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;
import org.palaver.cluster.entity.RoomEntry;

/**
 * Who owns which room, on a map shared by every node ({@code palaver-rooms}: room id to the JSON of
 * a {@link RoomEntry}), and which rooms ended ({@code palaver-ended}, kept as long as a resume
 * token could try to bring one back). Only atomic map operations, compared on the stored JSON
 * text, so two nodes claiming one room at once agree on one owner without any lock; the maps may
 * be Hazelcast {@code IMap}s or, in unit tests, any {@link ConcurrentMap}.
 */
public final class RoomClaims {

    private final ConcurrentMap<String, String> rooms;
    private final ConcurrentMap<String, String> ended;
    private final Jsonb json;

    public RoomClaims(ConcurrentMap<String, String> rooms, ConcurrentMap<String, String> ended, Jsonb json) {
        this.rooms = rooms;
        this.ended = ended;
        this.json = json;
    }

    /**
     * Claims {@code roomId} for {@code node}: a new room, or one whose owner is not among
     * {@code liveNodes} (released or not yet), becomes {@code node}'s; a room another live node
     * owns stays its. Returns the entry that holds now, or empty for a room that ended: it never
     * comes back. The live nodes are asked for after the map answered, which may take seconds
     * after a node died: a set taken before could still name the dead node.
     */
    public Optional<RoomEntry> claim(String roomId, String node, String mediaServer, String mode,
            Supplier<Set<String>> liveNodes) {
        if (ended.containsKey(roomId)) {
            return Optional.empty();
        }
        while (true) {
            String current = rooms.get(roomId);
            if (current == null) {
                RoomEntry fresh = new RoomEntry(node, mediaServer, mode, 1, null);
                String lost = rooms.putIfAbsent(roomId, json.toJson(fresh));
                if (lost == null) {
                    return Optional.of(fresh);
                }
                continue; // someone claimed it meanwhile: look again
            }
            RoomEntry entry = json.fromJson(current, RoomEntry.class);
            if (!entry.orphaned(liveNodes.get())) {
                return Optional.of(entry);
            }
            RoomEntry taken = entry.takenOverBy(node, mediaServer, mode);
            if (rooms.replace(roomId, current, json.toJson(taken))) {
                return Optional.of(taken);
            }
        }
    }

    /** The entry of {@code roomId}, if any node ever claimed it and it has not ended. */
    public Optional<RoomEntry> entry(String roomId) {
        return Optional.ofNullable(rooms.get(roomId)).map(text -> json.fromJson(text, RoomEntry.class));
    }

    /**
     * {@code node}'s room ended: marked ended first, so no token brings it back on another node
     * meanwhile, then removed. Never another node's room; returns whether it was {@code node}'s.
     */
    public boolean forget(String roomId, String node) {
        String current = rooms.get(roomId);
        if (current == null || !json.fromJson(current, RoomEntry.class).ownedBy(node)) {
            return false;
        }
        ended.put(roomId, "");
        if (rooms.remove(roomId, current)) {
            return true;
        }
        ended.remove(roomId, ""); // another node took it over meanwhile: it lives on there
        return false;
    }

    /** {@code node} gives {@code roomId} up (it drains): released for whoever takes it over; false when not {@code node}'s. */
    public boolean release(String roomId, String node, Instant now) {
        String current = rooms.get(roomId);
        return current != null && json.fromJson(current, RoomEntry.class).ownedBy(node)
                && rooms.replace(roomId, current, json.toJson(json.fromJson(current, RoomEntry.class).release(now)));
    }

    /**
     * Ends every room released before {@code limit} that nobody took over: its pages never came
     * back, so it is gone like a room that stayed empty (a later look-up finds no room, and no
     * token brings it back). Returns how many.
     */
    public int endReleasedBefore(Instant limit) {
        int ended = 0;
        for (Map.Entry<String, String> room : rooms.entrySet()) {
            if (json.fromJson(room.getValue(), RoomEntry.class).releasedBefore(limit)) {
                this.ended.put(room.getKey(), "");
                if (rooms.remove(room.getKey(), room.getValue())) {
                    ended++;
                } else {
                    this.ended.remove(room.getKey(), ""); // taken over meanwhile: it lives on
                }
            }
        }
        return ended;
    }

    /**
     * Releases every room whose owner is not among {@code liveNodes}, keeping its entry (media
     * server, mode, epoch) for whoever takes it over. Returns how many it released; a room changed
     * meanwhile by another node is left to that node.
     */
    public int releaseOrphans(Set<String> liveNodes, Instant now) {
        int released = 0;
        for (Map.Entry<String, String> room : rooms.entrySet()) {
            RoomEntry entry = json.fromJson(room.getValue(), RoomEntry.class);
            if (!entry.released() && !liveNodes.contains(entry.owner())
                    && rooms.replace(room.getKey(), room.getValue(), json.toJson(entry.release(now)))) {
                released++;
            }
        }
        return released;
    }
}
