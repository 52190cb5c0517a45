package org.palaver.rooms.entity;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import org.palaver.protocol.ParticipantInfo;
import org.palaver.protocol.ServerMessage;

/**
 * One person in one room. Mutable, and only ever touched by its {@link Room} while holding the
 * room's lock.
 */
public final class Participant {

    /** Messages kept for a participant whose socket dropped, until it resumes. */
    static final int HELD_LIMIT = 200;

    private final String id;
    private final String name;
    private String resumeToken;
    private boolean host;
    /** The name came from the company's identity provider. */
    private final boolean verified;
    private boolean audioMuted;
    private boolean videoMuted;
    private boolean handRaised;
    private String screenStreamId;
    private Mailbox mailbox;
    private Instant awayUntil;
    private final Deque<ServerMessage> held = new ArrayDeque<>();

    Participant(String id, String name, String resumeToken, Mailbox mailbox, boolean host, boolean verified) {
        this.verified = verified;
        this.id = id;
        this.name = name;
        this.resumeToken = resumeToken;
        this.mailbox = mailbox;
        this.host = host;
    }

    boolean host() {
        return host;
    }

    boolean verified() {
        return verified;
    }

    /** Made a host, with a token that says so. */
    void becomeHost(String newToken) {
        host = true;
        resumeToken = newToken;
    }

    boolean videoMuted() {
        return videoMuted;
    }

    boolean audioMuted() {
        return audioMuted;
    }

    public String id() {
        return id;
    }

    public String name() {
        return name;
    }

    String resumeToken() {
        return resumeToken;
    }

    boolean connected() {
        return mailbox != null;
    }

    Mailbox mailbox() {
        return mailbox;
    }

    Instant awayUntil() {
        return awayUntil;
    }

    void setMedia(boolean audioMuted, boolean videoMuted) {
        this.audioMuted = audioMuted;
        this.videoMuted = videoMuted;
    }

    String screenStreamId() {
        return screenStreamId;
    }

    void shareScreen(String streamId) {
        this.screenStreamId = streamId;
    }

    void raiseHand(boolean raised) {
        this.handRaised = raised;
    }

    /** Keeps a relayed message for later while away; false when too many are waiting. */
    boolean hold(ServerMessage message) {
        if (held.size() >= HELD_LIMIT) {
            return false;
        }
        held.add(message);
        return true;
    }

    void goAway(Instant until) {
        mailbox = null;
        if (until == null) {
            held.clear();
        }
        awayUntil = until;
    }

    void comeBack(Mailbox newMailbox) {
        mailbox = newMailbox;
        awayUntil = null;
    }

    /** Hands what was held while away to the new socket, in order. */
    void flushHeld() {
        ServerMessage message;
        while ((message = held.poll()) != null) {
            mailbox.post(message);
        }
    }

    ParticipantInfo info() {
        return new ParticipantInfo(id, name, audioMuted, videoMuted, connected() ? "connected" : "reconnecting", handRaised,
                screenStreamId, host, verified);
    }
}
