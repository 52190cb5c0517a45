package org.palaver.rooms.control;

import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.palaver.rooms.entity.MediaMode;
import org.palaver.rooms.entity.Room;
import org.palaver.rooms.entity.RoomId;
import org.palaver.rooms.entity.RoomMedia;
import org.palaver.protocol.IceCandidate;

/**
 * What rooms need of the media side, so that rooms never depend on how media flows. Two
 * adapters: {@link MeshMedia} when no media server is configured (every room mesh, nothing on
 * the server), and the Kurento one in the media component.
 */
public interface MediaPort {

    /** Whether a media server is configured at all (a mesh room then tells its pages it fell back). */
    boolean configured();

    /** The mode of a room created now. */
    MediaMode modeForNewRoom();

    /** The media server a Kurento room of this node's is on. */
    Optional<String> serverOf(RoomId room);

    /** Takes a new Kurento room in, on {@code preferred} when that server is live; returns what the room tells its media side. */
    RoomMedia attach(Room room, Optional<String> preferred);

    void publish(Room room, String participantId, String sdp, boolean screen);

    void subscribe(Room room, String viewer, String stream, String sdp);

    void candidate(Room room, String owner, String stream, IceCandidate candidate);

    /** On a cluster node: which node this is, and which processes of the cluster are alive. */
    void nodes(Supplier<String> node, Predicate<String> live);
}
