package org.palaver.rooms.entity;

import java.util.ArrayList;
import java.util.List;

/** A media side that turns newcomers away while {@link #full}, as one whose media server is at capacity; it notes each ask. */
final class RefusingMedia implements RoomMedia {

    boolean full;
    /** The people present at each ask. */
    final List<Integer> asked = new ArrayList<>();

    @Override
    public void admitOneMore(int present) {
        asked.add(present);
        if (full) {
            throw new RoomException("media-server-busy", "at capacity");
        }
    }

    @Override
    public void joined(String participantId) {
    }

    @Override
    public void left(String participantId, boolean roomNowEmpty) {
    }

    @Override
    public void closed() {
    }
}
