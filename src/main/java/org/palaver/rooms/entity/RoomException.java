package org.palaver.rooms.entity;

/**
 * A request the room refuses. {@code code} is the machine-readable error of the protocol and the
 * REST API (documented in docs/protocol.md); {@code getMessage()} is safe to show to a person.
 */
public class RoomException extends RuntimeException {

    private final String code;

    public RoomException(String code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
