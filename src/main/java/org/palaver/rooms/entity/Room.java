package org.palaver.rooms.entity;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.palaver.protocol.ParticipantInfo;
import org.palaver.protocol.ServerMessage;

/**
 * A meeting room and everyone in it.
 *
 * <p>Every method runs under the room's monitor ({@code synchronized}), which guards the
 * participant maps, {@code emptySince} and {@code closed}: each room changes state in one order,
 * and different rooms never wait for each other. Messages are only <em>posted</em> to
 * {@link Mailbox}es under the lock; sockets are written later on other threads.
 *
 * <p>Broadcast state (who is here, who is muted) is not held for an absent participant: the
 * {@code joined} snapshot on resume carries it. Relayed offers, answers and candidates are held,
 * because they cannot be recreated.
 */
public final class Room {


    private final RoomId id;
    private final MediaMode media;
    private final int capacity;
    private final Duration reconnectGrace;
    private final Duration emptyTtl;
    private final Passcode passcode;
    /** Null for a room rebuilt from tokens of the release before hosts: it has no hosts then. */
    private final HostKey hostKey;
    private final TokenIssuer tokens;
    /** Members only: whoever is not signed in with the company's provider waits in the lobby. */
    private final boolean membersOnly;
    /** Rebuilt from resume tokens after a restart: seats may be restored from valid tokens. */
    private final boolean restored;
    private final Set<String> gone = new HashSet<>();

    /** Chat kept for late joiners: memory only, gone with the room. */
    static final int CHAT_HISTORY = 100;
    /** ... and at most this much of it (JSON bytes), so a {@code joined} stays small whatever was said. */
    static final int CHAT_HISTORY_BYTES = 32 * 1024;
    public static final int CHAT_MAX_CHARS = 2000;

    private final Map<String, Participant> participants = new LinkedHashMap<>();
    private final Deque<ServerMessage.Chat> chat = new ArrayDeque<>();
    private long chatSequence;
    private long chatBytes;
    /** Chat ids are this room instance's tag and a count: a room rebuilt after a restart never reuses one. */
    private final String chatTag = Tokens.random(6);
    private final Map<String, Participant> byToken = new HashMap<>();
    private Instant emptySince;
    private boolean closed;
    /** Given up to another node (this one drains): whoever still reaches it is sent on. */
    private boolean handedOver;
    /** A host started recording (Kurento rooms); ends when a host stops it or the room empties. */
    private boolean recording;
    /** Locked by a host: nobody new joins, hosts (by the host link) excepted. */
    private boolean locked;
    /** Removed by a host: their tokens never bring them back into this room. */
    private final Set<String> removed = new HashSet<>();
    /** Lobby on: who is not a host waits in {@link #waiting} until a host admits them. */
    private boolean lobby;
    private final Map<String, Waiter> waiting = new LinkedHashMap<>();
    /** Enough for a large meeting's stragglers; a flood of knocks gets {@code lobby-full}. */
    static final int LOBBY_LIMIT = 50;

    /** Someone in the lobby: their name (checked), their socket and who seats them once admitted. */
    private record Waiter(String id, String rawName, boolean verified, Mailbox mailbox, java.util.function.Consumer<Seat> seated) {
    }
    private RoomMedia roomMedia = RoomMedia.NONE;

    public Room(RoomId id, MediaMode media, int capacity, Duration reconnectGrace, Duration emptyTtl, Instant now) {
        this(id, media, capacity, reconnectGrace, emptyTtl, null, null,
                (room, participant, name, host, code, key, verified, members) -> Tokens.random(16), false, now);
    }

    public Room(RoomId id, MediaMode media, int capacity, Duration reconnectGrace, Duration emptyTtl, Passcode passcode,
                HostKey hostKey, TokenIssuer tokens, boolean restored, Instant now) {
        this(id, media, capacity, reconnectGrace, emptyTtl, passcode, hostKey, false, tokens, restored, now);
    }

    /**
     * {@code passcode} may be null: anyone with the link may join. {@code hostKey}: who opens the
     * host link is host. {@code restored}: this room is being rebuilt from a resume token after the
     * server lost it. {@code membersOnly}: only people signed in with the company's provider come
     * straight in; guests wait in the lobby for a host.
     */
    public Room(RoomId id, MediaMode media, int capacity, Duration reconnectGrace, Duration emptyTtl, Passcode passcode,
                HostKey hostKey, boolean membersOnly, TokenIssuer tokens, boolean restored, Instant now) {
        this.id = id;
        this.membersOnly = membersOnly;
        this.passcode = passcode;
        this.hostKey = hostKey;
        this.tokens = tokens;
        this.restored = restored;
        this.media = media;
        this.capacity = capacity;
        this.reconnectGrace = reconnectGrace;
        this.emptyTtl = emptyTtl;
        this.emptySince = now;
    }

    public RoomId id() {
        return id;
    }

    /** Whether this room was rebuilt from resume tokens after a restart. */
    public boolean rebuilt() {
        return restored;
    }

    public MediaMode media() {
        return media;
    }

    public boolean membersOnly() {
        return membersOnly;
    }

    /** Who hears about joins and leaves on the media side; set before anyone can join. */
    public synchronized void attach(RoomMedia hooks) {
        this.roomMedia = hooks;
    }

    /**
     * Throws {@code passcode-required} or {@code passcode-invalid} unless the attempt opens this
     * room. Call before {@link #join}, without any lock: the hash is slow on purpose.
     */
    public void checkPasscode(String attempt) {
        if (passcode == null) {
            return;
        }
        if (attempt == null || attempt.isEmpty()) {
            throw new RoomException("passcode-required", "This room needs a passcode.");
        }
        if (!passcode.matches(attempt)) {
            throw new RoomException("passcode-invalid", "That passcode is not right.");
        }
    }

    /** Whether {@code hostSecret} is this room's host secret. Immutable key: no lock needed. */
    public boolean opensAsHost(String hostSecret) {
        return hostKey != null && hostKey.matches(hostSecret);
    }

    /**
     * The checks of {@link #join} that cost nothing (name, room open, not locked and not full, a
     * passcode given where one is needed), so that no join that would fail anyway pays for a
     * passcode hash. True when {@link #checkPasscode} has a hash to compute; a host (by the host
     * link) needs no passcode.
     */
    public synchronized boolean precheck(String rawName, String attempt, String hostSecret) {
        DisplayName.validate(rawName);
        requireOpen();
        boolean host = opensAsHost(hostSecret);
        requireUnlocked(host);
        requireRoomForOneMore();
        if (host) {
            return false;
        }
        if (passcode != null && (attempt == null || attempt.isEmpty())) {
            throw new RoomException("passcode-required", "This room needs a passcode.");
        }
        return passcode != null;
    }

    public synchronized Seat join(String rawName, Mailbox mailbox) {
        return join(rawName, null, mailbox);
    }

    /** Joins as a host when {@code hostSecret} is the room's host secret (the passcode was checked before, unless so). */
    public synchronized Seat join(String rawName, String hostSecret, Mailbox mailbox) {
        return join(rawName, hostSecret, mailbox, seat -> { }).orElseThrow(
                () -> new IllegalStateException("a join that cannot wait found the lobby on"));
    }

    /**
     * Joins, or, with the lobby on and no host secret, waits in the lobby: the joiner gets
     * {@code lobby-waiting}, every host a {@code lobby-request}, and {@code seated} gets the seat
     * once a host admits them (empty now). Checks as {@link #join(String, String, Mailbox)}.
     */
    public synchronized Optional<Seat> join(String rawName, String hostSecret, Mailbox mailbox,
                                            java.util.function.Consumer<Seat> seated) {
        return join(rawName, false, hostSecret, mailbox, seated);
    }

    /**
     * As {@link #join(String, String, Mailbox, java.util.function.Consumer)}; {@code verified}: the
     * name is the one the company's identity provider gave (the caller checked the member pass). In
     * a members-only room everyone else waits in the lobby, lobby on or not.
     */
    public synchronized Optional<Seat> join(String rawName, boolean verified, String hostSecret, Mailbox mailbox,
                                            java.util.function.Consumer<Seat> seated) {
        requireOpen();
        if ((lobby || (membersOnly && !verified)) && !opensAsHost(hostSecret)) {
            DisplayName.validate(rawName);
            requireUnlocked(false);
            if (waiting.size() >= LOBBY_LIMIT) {
                throw new RoomException("lobby-full", "Too many people are waiting to be let in; try again later.");
            }
            String waitId;
            do {
                waitId = Tokens.random(8);
            } while (waiting.containsKey(waitId));
            Waiter waiter = new Waiter(waitId, rawName, verified, mailbox, seated);
            waiting.put(waitId, waiter);
            mailbox.post(new ServerMessage.LobbyWaiting());
            toHosts(new ServerMessage.LobbyRequest(waitId, DisplayName.validate(rawName), verified));
            return Optional.empty();
        }
        return Optional.of(seatNow(rawName, verified, hostSecret, mailbox, false));
    }

    /** {@code letInByHost}: a host admits them from the lobby, so the lock does not apply. */
    private Seat seatNow(String rawName, boolean verified, String hostSecret, Mailbox mailbox, boolean letInByHost) {
        boolean host = opensAsHost(hostSecret);
        requireUnlocked(host || letInByHost);
        requireRoomForOneMore();
        String name = DisplayName.distinct(DisplayName.validate(rawName), names());
        roomMedia.admitOneMore(participants.size()); // last: nothing after it refuses them
        String participantId;
        do {
            participantId = Tokens.random(8);
        } while (participants.containsKey(participantId));
        String token = tokens.issue(id, participantId, name, host, passcode, hostKey, verified, membersOnly);
        return admit(new Participant(participantId, name, token, mailbox, host, verified), false);
    }

    public synchronized Seat resume(String token, Mailbox mailbox) {
        return resume(token, mailbox, Optional.empty());
    }

    /**
     * Puts a participant back on a new socket; the old socket, if still open, is closed. In a room
     * rebuilt after a restart, a participant this room has never seen is restored from the
     * verified {@code claims} of its token, under the same id, so every peer connection goes on.
     */
    public synchronized Seat resume(String token, Mailbox mailbox, Optional<ResumeClaims> claims) {
        requireOpen();
        Participant known = byToken.get(token);
        if (known == null && claims.filter(c -> c.room().equals(id) && removed.contains(c.participantId())).isPresent()) {
            // a page that was away when a host removed it: it must not come back as someone new
            throw new RoomException("removed", "A host removed you from this meeting.");
        }
        if (known == null) {
            ResumeClaims vouched = claims
                    .filter(c -> restored && c.earlierStart() && c.room().equals(id))
                    .filter(c -> !gone.contains(c.participantId()) && !removed.contains(c.participantId()))
                    .orElseThrow(() -> new RoomException("resume-failed", "Your place in this room has expired. Join again."));
            known = participants.get(vouched.participantId());
            if (known == null) {
                return restore(token, mailbox, vouched);
            }
            // Restored already, from an earlier socket of the same page whose joined (with the new
            // token) never reached it: the page still holds its old token. Same person, same place.
        }
        Participant participant = known;
        if (participant.connected()) {
            participant.mailbox().replaced();
        }
        boolean wasAway = !participant.connected();
        participant.comeBack(mailbox);
        List<ParticipantInfo> others = new ArrayList<>(infos());
        others.removeIf(info -> info.id().equals(participant.id()));
        mailbox.post(new ServerMessage.Joined(participant.info(), participant.resumeToken(), media.wire(), others, true, restored,
                List.copyOf(chat)).withRoomState(locked, lobby, recording));
        participant.flushHeld();
        roomMedia.resumed(participant.id()); // after joined: the media side tells them its state again
        showLobbyTo(participant);
        if (wasAway) {
            broadcast(participant, new ServerMessage.ParticipantConnection(participant.id(), "connected"));
        }
        return new Seat(this, participant, mailbox);
    }

    /** The restored participant gets a token of this server start, which cannot rebuild the room again. */
    private Seat restore(String token, Mailbox mailbox, ResumeClaims claims) {
        requireRoomForOneMore();
        String name = DisplayName.distinct(claims.name(), names());
        return admit(new Participant(claims.participantId(), name, tokens.issue(id, claims.participantId(), name,
                claims.host(), passcode, hostKey, claims.verified(), membersOnly), mailbox, claims.host(), claims.verified()), true);
    }

    /** Seats a newcomer (a join, or a restore into a rebuilt room) and tells everyone. */
    private Seat admit(Participant newcomer, boolean restoring) {
        List<ParticipantInfo> others = infos();
        participants.put(newcomer.id(), newcomer);
        byToken.put(newcomer.resumeToken(), newcomer);
        emptySince = null;
        roomMedia.joined(newcomer.id());
        newcomer.mailbox().post(new ServerMessage.Joined(newcomer.info(), newcomer.resumeToken(), media.wire(), others,
                restoring, restoring, List.copyOf(chat)).withRoomState(locked, lobby, recording));
        broadcast(newcomer, new ServerMessage.ParticipantJoined(newcomer.info()));
        showLobbyTo(newcomer);
        return new Seat(this, newcomer, newcomer.mailbox());
    }

    private void requireUnlocked(boolean host) {
        if (locked && !host) {
            throw new RoomException("room-locked", "The hosts have locked this room: nobody new can join.");
        }
    }

    private void requireRoomForOneMore() {
        if (participants.size() >= capacity) {
            throw new RoomException("room-full", "This room is full (" + capacity + " participants).");
        }
    }

    /**
     * Relays to one other participant of this room. {@code message} already names the sender as the
     * server knows it.
     */
    public synchronized void relay(Seat from, String targetId, ServerMessage message) {
        requireCurrent(from);
        if (media != MediaMode.MESH) {
            throw new RoomException("wrong-media-mode", "This room sends media through the media server: use publish and subscribe.");
        }
        Participant target = participants.get(targetId);
        if (target == null || target == from.participant()) {
            throw new RoomException("unknown-participant", "There is no other participant '" + targetId + "' in this room.");
        }
        if (target.connected()) {
            target.mailbox().post(message);
        } else if (!target.hold(message)) {
            throw new RoomException("participant-unavailable",
                    target.name() + " is reconnecting and has too many messages waiting.");
        }
    }

    /**
     * A chat message to everyone here, the sender included, named as the server knows the sender.
     * Text is cleaned ({@link ChatText}) and trimmed, never escaped (pages render it as text, never
     * HTML); the last {@value #CHAT_HISTORY} (at most {@value #CHAT_HISTORY_BYTES} bytes) go to
     * whoever joins later.
     */
    public synchronized void chat(Seat seat, String text, Instant now) {
        Participant sender = requireCurrent(seat);
        String trimmed = ChatText.clean(text).strip();
        if (trimmed.isEmpty()) {
            throw new RoomException("invalid-chat", "A chat message needs some text.");
        }
        if (trimmed.codePointCount(0, trimmed.length()) > CHAT_MAX_CHARS) {
            throw new RoomException("chat-too-long", "A chat message can be at most " + CHAT_MAX_CHARS + " characters.");
        }
        ServerMessage.Chat message = new ServerMessage.Chat(chatTag + "-" + ++chatSequence, sender.id(), sender.name(),
                trimmed, now.toString());
        chat.addLast(message);
        chatBytes += jsonBytes(message);
        while (chat.size() > CHAT_HISTORY || chatBytes > CHAT_HISTORY_BYTES) {
            chatBytes -= jsonBytes(chat.removeFirst());
        }
        broadcast(null, message);
    }

    /** About what the message takes in JSON: its text, with room for the escapes of quotes and backslashes. */
    static int jsonBytes(ServerMessage.Chat message) {
        int bytes = 64; // field names, punctuation
        for (String field : new String[] {message.id(), message.from(), message.name(), message.text(), message.at()}) {
            bytes += field.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            bytes += (int) field.chars().filter(c -> c == '"' || c == '\\').count();
        }
        return bytes;
    }

    /** One screen at a time per room: a second sharer is refused until the first one stops. */
    public synchronized void shareScreen(Seat seat, boolean sharing, String streamId) {
        Participant participant = requireCurrent(seat);
        if (sharing) {
            for (Participant other : participants.values()) {
                if (other != participant && other.screenStreamId() != null) {
                    throw new RoomException("screen-busy", other.name() + " is sharing a screen already; one at a time.");
                }
            }
        }
        boolean wasSharing = participant.screenStreamId() != null;
        participant.shareScreen(sharing ? streamId : null);
        if (wasSharing && !sharing) {
            roomMedia.screenEnded(participant.id());
        }
        broadcast(null, new ServerMessage.Screen(participant.id(), sharing, sharing ? streamId : null));
    }

    /** Whether the participant shares a screen now (Kurento rooms publish it only then). */
    public synchronized boolean sharesScreen(String participantId) {
        Participant participant = participants.get(participantId);
        return participant != null && participant.screenStreamId() != null;
    }

    public synchronized void raiseHand(Seat seat, boolean raised) {
        Participant participant = requireCurrent(seat);
        participant.raiseHand(raised);
        broadcast(null, new ServerMessage.Hand(participant.id(), raised));
    }

    /** The media side decides from it whose cameras everyone receives; a muted microphone never speaks. */
    public synchronized void speaking(Seat seat, boolean speaking) {
        Participant participant = requireCurrent(seat);
        roomMedia.speaking(participant.id(), speaking && !participant.audioMuted());
    }

    /** Keeps {@code targetId}'s camera (someone else here) in the sender's slots, or none with null. */
    public synchronized void pin(Seat seat, String targetId) {
        Participant participant = requireCurrent(seat);
        roomMedia.pinned(participant.id(), targetId == null ? null : requireOther(participant, targetId).id());
    }

    // ---- host controls: every one checks on the server that the sender is a host ----------------

    /**
     * Mutes another participant's microphone: their page is told who did it and mutes it (it stays
     * muted until they unmute), and everyone sees them muted at once.
     */
    public synchronized void muteParticipant(Seat seat, String targetId) {
        Participant host = requireHost(seat);
        muteByHost(host, requireOther(host, targetId));
    }

    /** Mutes everyone but the hosts. */
    public synchronized void muteAll(Seat seat) {
        Participant host = requireHost(seat);
        for (Participant p : List.copyOf(participants.values())) {
            if (!p.host()) {
                muteByHost(host, p);
            }
        }
    }

    private void muteByHost(Participant host, Participant target) {
        target.setMedia(true, target.videoMuted());
        roomMedia.audible(target.id(), false);
        roomMedia.speaking(target.id(), false);
        broadcast(target, new ServerMessage.MediaState(target.id(), true, target.videoMuted()));
        if (target.connected()) {
            target.mailbox().post(new ServerMessage.MutedByHost(host.id(), host.name()));
        } else {
            target.hold(new ServerMessage.MutedByHost(host.id(), host.name()));
        }
    }

    /** Asks another participant to turn their camera on; only they can. */
    public synchronized void askCamera(Seat seat, String targetId) {
        Participant host = requireHost(seat);
        Participant target = requireOther(host, targetId);
        if (target.connected()) {
            target.mailbox().post(new ServerMessage.CameraRequested(host.id(), host.name()));
        }
    }

    /**
     * Removes another participant: they are told and their socket is closed; their tokens never
     * bring them back into this room (they may join anew through the link unless it is locked).
     */
    public synchronized void removeParticipant(Seat seat, String targetId, Instant now) {
        Participant host = requireHost(seat);
        Participant target = requireOther(host, targetId);
        removed.add(target.id());
        if (target.connected()) {
            target.mailbox().dismissed(new ServerMessage.Removed(host.id(), host.name()));
        }
        remove(target, "removed", now);
    }

    /** Makes another participant a host; they get a token that says so (a rebuilt room knows it again). */
    public synchronized void makeHost(Seat seat, String targetId) {
        Participant host = requireHost(seat);
        Participant target = requireOther(host, targetId);
        if (target.host()) {
            return;
        }
        // The old token keeps working until the page has the new one (it may be away, or miss the
        // message): a resume with it gets the new one in joined.
        promote(target);
    }

    /** Host with a token that says so; the old token keeps working until the page has the new one. */
    private void promote(Participant target) {
        target.becomeHost(tokens.issue(id, target.id(), target.name(), true, passcode, hostKey, target.verified(), membersOnly));
        byToken.put(target.resumeToken(), target);
        broadcast(target, new ServerMessage.HostChanged(target.id(), true, null));
        if (target.connected()) {
            target.mailbox().post(new ServerMessage.HostChanged(target.id(), true, target.resumeToken()));
            showLobbyTo(target);
        }
    }

    /**
     * A signed-in member makes themselves host of a room that has none (its last host left, or it
     * was made before hosts existed). Guests cannot: the provider vouches for members only.
     */
    public synchronized void claimHost(Seat seat) {
        Participant claimer = requireCurrent(seat);
        if (!claimer.verified()) {
            throw new RoomException("not-member", "Only people signed in with the company's account can claim host.");
        }
        if (claimer.host()) {
            return;
        }
        if (participants.values().stream().anyMatch(Participant::host)) {
            throw new RoomException("host-present", "This room has a host already; ask them to make you one.");
        }
        promote(claimer);
    }

    /** The room's host key (immutable), or null for a room made before hosts existed. */
    public HostKey hostKey() {
        return hostKey;
    }

    /**
     * A host starts or stops recording: everyone is told who did (late joiners see it in
     * {@code joined}), and the media side starts or ends the recording. Only Kurento rooms have
     * media on the server to record.
     */
    public synchronized void record(Seat seat, boolean on) {
        Participant host = recordingHost(seat);
        if (recording == on) {
            return;
        }
        recording = on;
        broadcast(null, new ServerMessage.Recording(on, host.id(), host.name()));
        roomMedia.recording(on, host.id());
    }

    /** Throws what {@link #record} would for this sender: {@code not-host}, or {@code recording-unavailable} in a mesh room. */
    public synchronized void requireRecordable(Seat seat) {
        recordingHost(seat);
    }

    private Participant recordingHost(Seat seat) {
        Participant host = requireHost(seat);
        if (media != MediaMode.KURENTO) {
            throw new RoomException("recording-unavailable",
                    "This room sends media directly between browsers, so there is nothing on the server to record.");
        }
        return host;
    }

    public synchronized boolean recording() {
        return recording;
    }

    /** The media side could not record: the room stops showing it, and everyone is told. */
    public synchronized void recordingStopped() {
        if (recording) {
            recording = false;
            broadcast(null, new ServerMessage.Recording(false, null, null));
        }
    }

    /** Locks (nobody new joins but hosts) or unlocks the room; everyone is told. */
    public synchronized void lock(Seat seat, boolean lock) {
        requireHost(seat);
        locked = lock;
        broadcast(null, new ServerMessage.RoomState(locked, lobby));
    }

    /** Turns the lobby on or off; off lets in everyone waiting (while there is room). */
    public synchronized void setLobby(Seat seat, boolean on) {
        requireHost(seat);
        lobby = on;
        broadcast(null, new ServerMessage.RoomState(locked, lobby));
        if (!on) {
            for (Waiter waiter : List.copyOf(waiting.values())) {
                if (participants.size() >= capacity) {
                    break;
                }
                letIn(waiter, false);
            }
        }
    }

    /** A host lets someone in from the lobby. */
    public synchronized void admitFromLobby(Seat seat, String waitId) {
        requireHost(seat);
        Waiter waiter = requireWaiter(waitId);
        requireRoomForOneMore();
        letIn(waiter, true);
    }

    /** A host turns someone in the lobby away: they are told, and their socket is closed. */
    public synchronized void denyFromLobby(Seat seat, String waitId) {
        Participant host = requireHost(seat);
        Waiter waiter = requireWaiter(waitId);
        stopWaiting(waiter);
        waiter.mailbox().dismissed(new ServerMessage.LobbyDenied(host.id(), host.name()));
    }

    /** The socket waiting in the lobby closed or left: the hosts stop seeing the request. */
    public synchronized void leaveLobby(Mailbox mailbox) {
        waiting.values().stream().filter(w -> w.mailbox() == mailbox).findFirst().ifPresent(this::stopWaiting);
    }

    /** Out of the lobby: the hosts stop seeing the request. */
    private void stopWaiting(Waiter waiter) {
        waiting.remove(waiter.id());
        toHosts(new ServerMessage.LobbyLeft(waiter.id()));
    }

    /**
     * Seats someone from the lobby. When that is refused (the media server is at capacity, say), a
     * host who asked for it hears why and the person keeps waiting, so the host can try again; when
     * the lobby was turned off, nobody asked for them in particular: they hear why, and their wait ends.
     */
    private void letIn(Waiter waiter, boolean hostAsked) {
        Seat seat;
        try {
            seat = seatNow(waiter.rawName(), waiter.verified(), null, waiter.mailbox(), true);
        } catch (RoomException e) {
            if (hostAsked) {
                throw e;
            }
            stopWaiting(waiter);
            waiter.mailbox().dismissed(new ServerMessage.Error(e.code(), e.getMessage()));
            return;
        }
        stopWaiting(waiter);
        waiter.seated().accept(seat);
    }

    private Waiter requireWaiter(String waitId) {
        Waiter waiter = waitId == null ? null : waiting.get(waitId);
        if (waiter == null) {
            throw new RoomException("unknown-participant", "Nobody '" + waitId + "' is waiting in the lobby.");
        }
        return waiter;
    }

    /** To every connected host. */
    private void toHosts(ServerMessage message) {
        for (Participant p : participants.values()) {
            if (p.host() && p.connected()) {
                p.mailbox().post(message);
            }
        }
    }

    /** A host who just arrived (or became one) sees everyone waiting. */
    private void showLobbyTo(Participant host) {
        if (host.host() && host.connected()) {
            waiting.values().forEach(w -> host.mailbox().post(new ServerMessage.LobbyRequest(w.id(), DisplayName.validate(w.rawName()), w.verified())));
        }
    }

    /**
     * Ends the meeting for everyone: each is told and their socket closed, and the room is closed
     * at once (its media released); the caller forgets it.
     */
    public synchronized void endMeeting(Seat seat) {
        Participant host = requireHost(seat);
        ServerMessage.MeetingEnded ended = new ServerMessage.MeetingEnded(host.id(), host.name());
        for (Participant p : participants.values()) {
            if (p.connected()) {
                p.mailbox().dismissed(ended);
            }
            p.goAway(null);
        }
        waiting.values().forEach(w -> w.mailbox().dismissed(ended));
        waiting.clear();
        participants.clear();
        byToken.clear();
        closed = true;
        recording = false;
        roomMedia.closed();
    }

    private Participant requireHost(Seat seat) {
        Participant participant = requireCurrent(seat);
        if (!participant.host()) {
            throw new RoomException("not-host", "Only a host can do that.");
        }
        return participant;
    }

    private Participant requireOther(Participant host, String targetId) {
        Participant target = targetId == null ? null : participants.get(targetId);
        if (target == null || target == host) {
            throw new RoomException("unknown-participant", "There is no other participant '" + targetId + "' in this room.");
        }
        return target;
    }

    /**
     * A message from the media server side to one participant: posted when connected, held while
     * reconnecting, dropped when that participant is no longer here.
     */
    public synchronized void deliver(String participantId, ServerMessage message) {
        Participant target = participants.get(participantId);
        if (target == null) {
            return;
        }
        if (target.connected()) {
            target.mailbox().post(message);
        } else {
            target.hold(message);
        }
    }

    /** Posts to everyone connected, e.g. that the media server went away. */
    public synchronized void deliverToAll(ServerMessage message) {
        broadcast(null, message);
    }

    public synchronized boolean isPresent(String participantId) {
        return participants.containsKey(participantId);
    }

    /** Throws unless this seat is the participant's current one. */
    public synchronized void requirePresent(Seat seat) {
        requireCurrent(seat);
    }

    public synchronized void setMedia(Seat seat, boolean audioMuted, boolean videoMuted) {
        Participant participant = requireCurrent(seat);
        participant.setMedia(audioMuted, videoMuted);
        roomMedia.audible(participant.id(), !audioMuted);
        roomMedia.camera(participant.id(), !videoMuted);
        if (audioMuted) {
            roomMedia.speaking(participant.id(), false);
        }
        broadcast(participant, new ServerMessage.MediaState(participant.id(), audioMuted, videoMuted));
    }

    public synchronized void leave(Seat seat, Instant now) {
        Participant participant = requireCurrent(seat);
        remove(participant, "left", now);
    }

    /** The seat's socket closed without a goodbye: keep the place for the reconnect grace. */
    public synchronized void drop(Seat seat, Instant now) {
        if (!isCurrent(seat)) {
            return;
        }
        Participant participant = seat.participant();
        participant.goAway(now.plus(reconnectGrace));
        roomMedia.speaking(participant.id(), false); // their page's "stopped" may never come
        broadcast(participant, new ServerMessage.ParticipantConnection(participant.id(), "reconnecting"));
    }

    /**
     * Removes participants whose grace ran out, and closes the room when it has been empty for the
     * empty TTL.
     *
     * @return true when the room is closed and should be forgotten
     */
    public synchronized boolean expire(Instant now) {
        List<Participant> gone = new ArrayList<>();
        for (Participant p : participants.values()) {
            if (!p.connected() && !p.awayUntil().isAfter(now)) {
                gone.add(p);
            }
        }
        gone.forEach(p -> remove(p, "timeout", now));
        if (!closed && participants.isEmpty() && !emptySince.plus(emptyTtl).isAfter(now)) {
            closed = true;
            ServerMessage ended = new ServerMessage.Error("room-not-found", "This room does not exist (any more).");
            waiting.values().forEach(w -> w.mailbox().dismissed(ended));
            waiting.clear();
            roomMedia.closed();
        }
        return closed;
    }

    /**
     * This node gives the room up for another to rebuild from its pages' resume tokens (the node
     * drains): every connected participant's socket is ended so that its page reconnects there;
     * nobody is told that anyone left, and the room's media here is released.
     */
    public synchronized void handOver() {
        if (closed) {
            return;
        }
        closed = true;
        handedOver = true;
        participants.values().stream().filter(Participant::connected).forEach(p -> p.mailbox().moved());
        waiting.values().forEach(w -> w.mailbox().moved()); // they knock again where the room is rebuilt
        waiting.clear();
        roomMedia.closed();
    }

    /** Who is in a passcode room is itself protected: its snapshot lists nobody. */
    public synchronized RoomSnapshot snapshot() {
        List<RoomSnapshot.Member> members = new ArrayList<>();
        if (passcode == null) {
            participants.values().forEach(p -> members.add(new RoomSnapshot.Member(p.id(), p.name())));
        }
        return new RoomSnapshot(id.value(), media.wire(), members, passcode != null, membersOnly, null);
    }

    /** Whether anyone is in the room, connected or away. */
    public synchronized boolean occupied() {
        return !participants.isEmpty();
    }

    public synchronized int size() {
        return participants.size();
    }

    private void remove(Participant participant, String reason, Instant now) {
        participants.remove(participant.id());
        byToken.values().removeIf(p -> p == participant); // the one it joined with, and one it got as a new host
        if (restored) {
            gone.add(participant.id()); // who left a rebuilt room cannot be restored into it again
        }
        participant.goAway(null);
        broadcast(participant, new ServerMessage.ParticipantLeft(participant.id(), reason));
        roomMedia.left(participant.id(), participants.isEmpty());
        if (participants.isEmpty()) {
            emptySince = now;
            recording = false; // the media side ends it with the room's media
        }
    }

    private void broadcast(Participant sender, ServerMessage message) {
        for (Participant p : participants.values()) {
            if (p != sender && p.connected()) {
                p.mailbox().post(message);
            }
        }
    }

    private List<String> names() {
        return participants.values().stream().map(Participant::name).toList();
    }

    private List<ParticipantInfo> infos() {
        List<ParticipantInfo> list = new ArrayList<>(participants.size());
        participants.values().forEach(p -> list.add(p.info()));
        return list;
    }

    private void requireOpen() {
        if (handedOver) {
            throw new RoomMoving("node-draining", "This server is being taken out of service; reconnecting to another.");
        }
        if (closed) {
            throw new RoomException("room-not-found", "This room does not exist (any more).");
        }
    }

    private boolean isCurrent(Seat seat) {
        Participant p = seat.participant();
        return participants.get(p.id()) == p && p.mailbox() == seat.mailbox();
    }

    private Participant requireCurrent(Seat seat) {
        if (!isCurrent(seat)) {
            throw new RoomException("not-joined", "This connection is not in the room (left, timed out or replaced).");
        }
        return seat.participant();
    }
}
