package org.palaver.cluster.entity;

/**
 * One message between two nodes, carried as JSON text on the receiver's topic (never a Java-serialized
 * class: the nodes may load their classes from different places). The sender is not in it: the
 * receiver takes it from Hazelcast, so no node can speak for another.
 *
 * <p>Kinds, from a socket's node (the edge) to the room's owner: {@code open} ({@code id} names the
 * connection, with {@code room} and the client's {@code address}), {@code in} (a frame the client
 * sent, as {@code text}), {@code bye} (the socket is gone). From the owner to the edge: {@code out}
 * (an encoded server message), {@code end} (close with {@code code} and reason {@code text}, after
 * what was sent before). Between any two: {@code ask} ({@code id} a request id, {@code room}),
 * {@code create} (from a draining node: make a room here; {@code text} its passcode, if any) and
 * {@code reply} ({@code text} the answer, absent for none).
 */
public record Envelope(String kind, String id, String room, String address, String text, Integer code) {

    public static final String OPEN = "open";
    public static final String IN = "in";
    public static final String BYE = "bye";
    public static final String OUT = "out";
    public static final String END = "end";
    public static final String ASK = "ask";
    public static final String REPLY = "reply";
    public static final String CREATE = "create";
    /** As {@link #CREATE}, for a members-only room: a node of a release before sign-in does not know it, so never makes an open one. */
    public static final String CREATE_MEMBERS_ONLY = "create-members-only";

    public static Envelope open(String connection, String room, String address) {
        return new Envelope(OPEN, connection, room, address, null, null);
    }

    public static Envelope in(String connection, String text) {
        return new Envelope(IN, connection, null, null, text, null);
    }

    public static Envelope bye(String connection) {
        return new Envelope(BYE, connection, null, null, null, null);
    }

    public static Envelope out(String connection, String text) {
        return new Envelope(OUT, connection, null, null, text, null);
    }

    public static Envelope end(String connection, int code, String reason) {
        return new Envelope(END, connection, null, null, reason, code);
    }

    public static Envelope ask(String request, String room) {
        return new Envelope(ASK, request, room, null, null, null);
    }

    public static Envelope create(String request, String passcode, boolean membersOnly) {
        return new Envelope(membersOnly ? CREATE_MEMBERS_ONLY : CREATE, request, null, null, passcode, null);
    }

    public static Envelope reply(String request, String answer) {
        return new Envelope(REPLY, request, null, null, answer, null);
    }
}
