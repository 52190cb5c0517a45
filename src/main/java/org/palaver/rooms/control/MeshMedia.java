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
 * The media side of a server with no media server configured: every room is mesh, so media
 * flows browser to browser and nothing here handles it. Room checks keep Kurento requests from
 * mesh rooms, so reaching one of those methods is a bug, not a client's mistake.
 */
public class MeshMedia implements MediaPort {

    @Override
    public boolean configured() {
        return false;
    }

    @Override
    public MediaMode modeForNewRoom() {
        return MediaMode.MESH;
    }

    @Override
    public Optional<String> serverOf(RoomId room) {
        return Optional.empty();
    }

    @Override
    public RoomMedia attach(Room room, Optional<String> preferred) {
        throw noMediaServer();
    }

    @Override
    public void publish(Room room, String participantId, String sdp, boolean screen) {
        throw noMediaServer();
    }

    @Override
    public void subscribe(Room room, String viewer, String stream, String sdp) {
        throw noMediaServer();
    }

    @Override
    public void candidate(Room room, String owner, String stream, IceCandidate candidate) {
        throw noMediaServer();
    }

    @Override
    public void nodes(Supplier<String> node, Predicate<String> live) {
        // nothing on a media server to tag or sweep
    }

    private static IllegalStateException noMediaServer() {
        return new IllegalStateException("no media server is configured: every room here is mesh");
    }
}
