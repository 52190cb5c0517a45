package org.palaver.rooms.entity;

/**
 * On several nodes: this node cannot serve the room just now, another can or soon will (another
 * node took the room over first, or this node is not in the cluster yet). The socket is closed
 * so that the page reconnects and resumes, through whichever node.
 */
public final class RoomMoving extends RoomException {

    public RoomMoving(String code, String message) {
        super(code, message);
    }
}
