package org.palaver.cluster.entity;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * Where a room lives, stored as JSON under the room id in {@code palaver-rooms}. {@code owner} is
 * the owning node's id, absent once the owner left the cluster or gave the room up (the room is
 * then released, since {@code releasedAt}, epoch milliseconds, and the next claim takes it over
 * with {@code epoch} + 1, so stale owners can tell they lost it).
 */
public record RoomEntry(String owner, String mediaServer, String mode, long epoch, Long releasedAt) {

    public boolean released() {
        return owner == null;
    }

    public boolean ownedBy(String node) {
        return node.equals(owner);
    }

    /** The owner, when it is among {@code liveNodes} and is not {@code node}. */
    public Optional<String> liveOwnerOtherThan(String node, Set<String> liveNodes) {
        return released() || ownedBy(node) || !liveNodes.contains(owner) ? Optional.empty() : Optional.of(owner);
    }

    /** Whether the room lost its owner: released, or its owner is not among {@code liveNodes}. */
    public boolean orphaned(Set<String> liveNodes) {
        return released() || !liveNodes.contains(owner);
    }

    /** Released before {@code limit}: nobody came back for it in time. */
    public boolean releasedBefore(Instant limit) {
        return released() && releasedAt != null && releasedAt < limit.toEpochMilli();
    }

    public RoomEntry release(Instant now) {
        return new RoomEntry(null, mediaServer, mode, epoch, now.toEpochMilli());
    }

    /**
     * A released room claimed again, by {@code node}, in the mode the new owner chose for it; on
     * the same media server unless the new owner names another.
     */
    public RoomEntry takenOverBy(String node, String newMediaServer, String newMode) {
        return new RoomEntry(node, newMediaServer == null ? mediaServer : newMediaServer, newMode, epoch + 1, null);
    }
}
