package org.palaver.cluster.control;

import jakarta.json.bind.Jsonb;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentMap;
import org.palaver.cluster.entity.RoomEntry;

/**
 * Who owns which room, on a map shared by every node ({@code palaver-rooms}: room id to the JSON of
 * a {@link RoomEntry}). Only atomic map operations, compared on the stored JSON text, so two nodes
 * claiming one room at once agree on one owner without any lock; the map may be a Hazelcast
 * {@code IMap} or, in unit tests, any {@link ConcurrentMap}.
 */
public final class RoomClaims {

    private final ConcurrentMap<String, String> rooms;
    private final Jsonb json;

    public RoomClaims(ConcurrentMap<String, String> rooms, Jsonb json) {
        this.rooms = rooms;
        this.json = json;
    }

    /**
     * Claims {@code roomId} for {@code node}: a new room, or one whose owner left, becomes
     * {@code node}'s; a room another live node owns stays its. Returns the entry that holds now.
     */
    public RoomEntry claim(String roomId, String node, String mediaServer, String mode) {
        while (true) {
            String current = rooms.get(roomId);
            if (current == null) {
                RoomEntry fresh = new RoomEntry(node, mediaServer, mode, 1);
                String lost = rooms.putIfAbsent(roomId, json.toJson(fresh));
                if (lost == null) {
                    return fresh;
                }
                continue; // someone claimed it meanwhile: look again
            }
            RoomEntry entry = json.fromJson(current, RoomEntry.class);
            if (!entry.released()) {
                return entry;
            }
            RoomEntry taken = entry.takenOverBy(node, mediaServer, mode);
            if (rooms.replace(roomId, current, json.toJson(taken))) {
                return taken;
            }
        }
    }

    /** Removes {@code roomId} if {@code node} still owns it (a room that ended); never another node's room. */
    public boolean forget(String roomId, String node) {
        String current = rooms.get(roomId);
        return current != null && json.fromJson(current, RoomEntry.class).ownedBy(node) && rooms.remove(roomId, current);
    }

    /**
     * Releases every room whose owner is not among {@code liveNodes}, keeping its entry (media
     * server, mode, epoch) for whoever takes it over. Returns how many it released; a room changed
     * meanwhile by another node is left to that node.
     */
    public int releaseOrphans(Set<String> liveNodes) {
        int released = 0;
        for (Map.Entry<String, String> room : rooms.entrySet()) {
            RoomEntry entry = json.fromJson(room.getValue(), RoomEntry.class);
            if (!entry.released() && !liveNodes.contains(entry.owner())
                    && rooms.replace(room.getKey(), room.getValue(), json.toJson(entry.release()))) {
                released++;
            }
        }
        return released;
    }
}
