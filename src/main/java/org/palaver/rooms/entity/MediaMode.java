package org.palaver.rooms.entity;

import java.util.Arrays;

/** How a room's media flows; fixed when the room is made. {@link #wire()} is its name in messages and the cluster's grid. */
public enum MediaMode {
    /** Browser to browser: every page connects to every other (the default, needing no other server). */
    MESH("mesh"),
    /** Through a Kurento Media Server, which forwards each stream to whoever watches it. */
    KURENTO("kurento");

    private final String wire;

    MediaMode(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    /** The mode with this wire name; IllegalArgumentException for any other. */
    public static MediaMode of(String wire) {
        return Arrays.stream(values()).filter(m -> m.wire.equals(wire)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no media mode '" + wire + "'"));
    }
}
