package org.palaver.cluster.entity;

/**
 * Where a room lives, stored as JSON under the room id in {@code palaver-rooms}. {@code owner} is
 * the owning node's id, absent once the owner left the cluster (the room is then released and the
 * next claim takes it over with {@code epoch} + 1, so stale owners can tell they lost it).
 */
public record RoomEntry(String owner, String mediaServer, String mode, long epoch) {

    public boolean released() {
        return owner == null;
    }

    public boolean ownedBy(String node) {
        return node.equals(owner);
    }

    public RoomEntry release() {
        return new RoomEntry(null, mediaServer, mode, epoch);
    }

    /** A released room claimed again, by {@code node}, on the media the new owner chose for it. */
    public RoomEntry takenOverBy(String node, String newMediaServer, String newMode) {
        return new RoomEntry(node, newMediaServer, newMode, epoch + 1);
    }
}
