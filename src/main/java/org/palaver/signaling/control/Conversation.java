package org.palaver.signaling.control;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.palaver.ice.boundary.IceServerSource;
import org.palaver.platform.OnceLog;
import org.palaver.platform.TokenBucket;
import org.palaver.rooms.boundary.RoomService;
import org.palaver.rooms.entity.RoomException;
import org.palaver.rooms.entity.RoomMoving;
import org.palaver.rooms.entity.Seat;
import org.palaver.protocol.ClientMessage;
import org.palaver.protocol.ServerMessage;

/**
 * One signaling socket: decodes what arrives, hands it to {@link RoomService} as the participant
 * the server knows this socket to be, and answers every failure with an {@code error} message to
 * this socket only. The container calls it for one message at a time; the heartbeat may call
 * {@link #timedOut()} concurrently, hence the volatile fields. A join into a passcode room waits
 * for its hash on {@link PasscodeChecks}' threads; whatever the socket sends meanwhile waits
 * behind it and is handled afterwards, in order, so nothing overtakes the join.
 */
public final class Conversation implements Connection {

    private static final Logger LOG = Logger.getLogger(Conversation.class.getName());
    static final int FREE_PASSCODE_TRIES = 3;
    /** Chat is for people typing: a few lines at once, one a second over time. */
    static final int CHAT_BURST = 5;
    static final double CHAT_PER_SECOND = 1.0;
    /** Each passcode check costs a hash: a few at once per connection, then one per 5 s (leave/join loops). */
    static final int PASSCODE_CHECK_BURST = 3;
    static final double PASSCODE_CHECKS_PER_SECOND = 0.2;
    /** A page sends nothing before {@code joined} but pings; this is plenty. */
    static final int MAX_HELD = 32;

    private final String roomId;
    private final RoomService rooms;
    private final MessageCodec codec;
    private final Link outbox;
    private final Outbox socket; // null when the socket is on another node (see RemoteLink)
    private final ConnectionMailbox mailbox; // what rooms post to: the outbox, with joined completed
    private final Flood flood;
    private final TokenBucket chatRate = new TokenBucket(CHAT_BURST, CHAT_PER_SECOND);
    private final WrongTries wrongPasscodes = new WrongTries(FREE_PASSCODE_TRIES);
    private final PasscodeGuard guard;
    private final PasscodeChecks checks;
    private final TokenBucket passcodeChecks = new TokenBucket(PASSCODE_CHECK_BURST, PASSCODE_CHECKS_PER_SECOND);
    private final String address; // ClientAddresses.UNKNOWN when unknown: shares the limits of all such
    private final Deque<String> held = new ArrayDeque<>(); // guarded by this
    private boolean checking; // guarded by this: a join waits for its passcode check, later messages in held
    private boolean heldDropped; // guarded by this
    private long handOffs; // guarded by this: joins handed to the passcode threads so far
    private volatile long seatlessSinceNanos = System.nanoTime();
    private volatile Seat seat;
    /** In the room's lobby: no seat yet, a host's admit gives it one ({@link #admitted}). */
    private volatile boolean waiting;
    private boolean closed; // guarded by this, with seat: a close racing a join must not strand the seat
    private volatile long lastSeenNanos = System.nanoTime();

    Conversation(String roomId, RoomService rooms, MessageCodec codec, Outbox outbox, TokenBucket rate, OnceLog limitLog,
            PasscodeGuard guard, PasscodeChecks checks, String address, IceServerSource ice) {
        this(roomId, rooms, codec, outbox, outbox, rate, limitLog, guard, checks, address, ice);
    }

    /** {@code socket} is null for a socket on another node: {@code outbox} then reaches it there. */
    Conversation(String roomId, RoomService rooms, MessageCodec codec, Link outbox, Outbox socket, TokenBucket rate,
            OnceLog limitLog, PasscodeGuard guard, PasscodeChecks checks, String address, IceServerSource ice) {
        this.socket = socket;
        this.roomId = roomId;
        this.guard = guard;
        this.checks = checks;
        this.address = address;
        this.flood = new Flood(rate, limitLog, roomId);
        this.rooms = rooms;
        this.codec = codec;
        this.outbox = outbox;
        this.mailbox = new ConnectionMailbox(outbox, ice);
    }

    @Override
    public void onText(String text) {
        touch();
        if (!withinRate() || held(text)) {
            return;
        }
        process(text);
    }

    /** While a join waits for its passcode check, later messages wait behind it (a bounded few). */
    private synchronized boolean held(String text) {
        if (!checking) {
            return false;
        }
        if (held.size() < MAX_HELD) {
            held.add(text);
        } else if (!heldDropped) {
            heldDropped = true;
            reply("rate-limited", "Too many messages while the join is checked; some were dropped. Wait for joined.");
        }
        return true;
    }

    private void process(String text) {
        try {
            handle(codec.decode(text));
        } catch (ProtocolException e) {
            reply(e.code(), e.getMessage());
        } catch (RoomMoving e) {
            // another node serves the room (or will): the page reconnects, through whichever node, and resumes
            onClose();
            outbox.finish(new ServerMessage.Error(e.code(), e.getMessage()), Outbox.ROOM_MOVING);
        } catch (RoomException e) {
            reply(e.code(), e.getMessage());
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "unexpected failure handling a signaling message", e);
            reply("internal-error", "The server could not handle this message.");
        }
    }

    @Override
    public void onBinary() {
        touch();
        if (!withinRate()) {
            return;
        }
        outbox.post(MessageCodec.BINARY_REFUSED);
    }

    private boolean withinRate() {
        return flood.admit(outbox::post);
    }

    @Override
    public void touch() {
        lastSeenNanos = System.nanoTime();
    }

    /** The socket closed: without a goodbye, keep the participant's place for the reconnect grace. */
    @Override
    public void onClose() {
        Seat current;
        boolean wasWaiting;
        synchronized (this) {
            closed = true;
            current = seat;
            seat = null;
            wasWaiting = waiting;
            waiting = false;
            held.clear();
        }
        if (current != null) {
            rooms.drop(current);
        }
        if (wasWaiting) {
            rooms.leaveLobby(roomId, mailbox);
        }
    }

    /**
     * A join that may end in the lobby: seated now, or waiting for a host. A socket that closed
     * while the join ran leaves the lobby again; one a host let in meanwhile is seated already.
     */
    private void seatOrWait(Optional<Seat> joined) {
        if (joined.isPresent()) {
            seat(joined.get());
            return;
        }
        boolean closedMeanwhile;
        synchronized (this) {
            closedMeanwhile = closed;
            if (!closed && seat == null) {
                waiting = true;
            }
        }
        if (closedMeanwhile) {
            rooms.leaveLobby(roomId, mailbox);
        }
    }

    /**
     * A host let this socket in from the lobby (on the host's thread, under the room's lock). A
     * socket that closed meanwhile has no token to come back with: it leaves at once.
     */
    private void admitted(Seat joined) {
        boolean closedMeanwhile;
        synchronized (this) {
            waiting = false;
            closedMeanwhile = closed;
            if (!closed) {
                seat = joined;
            }
        }
        if (closedMeanwhile) {
            rooms.leave(joined);
        }
    }

    /** The container may close the socket while a join on it is still running. */
    private void seat(Seat joined) {
        boolean alreadyClosed;
        synchronized (this) {
            alreadyClosed = closed;
            if (!alreadyClosed) {
                seat = joined;
            }
        }
        if (alreadyClosed) {
            rooms.drop(joined);
        }
    }

    @Override
    public long idleNanos() {
        return System.nanoTime() - lastSeenNanos;
    }

    /** True when this socket has been out of any room (never joined, or left) for longer than {@code limitNanos}. */
    @Override
    public synchronized boolean seatlessLongerThan(long limitNanos) {
        // waiting in a lobby is not idling: a host may take a while
        return seat == null && !checking && !waiting && System.nanoTime() - seatlessSinceNanos > limitNanos;
    }

    @Override
    public String address() {
        return address;
    }

    @Override
    public Outbox outbox() {
        return socket;
    }

    /** No sign of life for too long: treat it as a dropped socket and close it. */
    @Override
    public void timedOut() {
        onClose();
        outbox.close(Outbox.TIMED_OUT);
    }

    /** Out of any room for too long: an idle socket only holds a place other clients could use. */
    @Override
    public void joinTimedOut(java.time.Duration limit) {
        onClose();
        outbox.finish(new ServerMessage.Error("join-timeout",
                "No join within " + limit.toSeconds() + " s; the connection is closed."), Outbox.JOIN_TIMEOUT);
    }

    private void handle(ClientMessage message) {
        message.accept(dispatch);
    }

    /**
     * What each kind of message does. Ping, join and resume need no seat (join and resume need
     * none yet); everything else needs one, except leaving the lobby.
     */
    private final ClientMessage.Handler dispatch = new ClientMessage.Handler() {
        @Override
        public void ping(ClientMessage.Ping message) {
            outbox.post(new ServerMessage.Pong());
        }

        @Override
        public void join(ClientMessage.Join message) {
            requireNoSeat();
            Conversation.this.join(message);
        }

        @Override
        public void resume(ClientMessage.Resume message) {
            requireNoSeat();
            mailbox.chatSince(message.chatSince());
            seat(rooms.resume(roomId, message.token(), mailbox));
        }

        @Override
        public void leave(ClientMessage.Leave message) {
            if (waiting) {
                waiting = false;
                seatlessSinceNanos = System.nanoTime();
                rooms.leaveLobby(roomId, mailbox);
                return;
            }
            Seat current = requireSeat();
            seatlessSinceNanos = System.nanoTime();
            seat = null;
            rooms.leave(current);
        }

        @Override
        public void offer(ClientMessage.Offer message) {
            Seat current = requireSeat();
            rooms.relay(current, message.to(), new ServerMessage.Offer(self(current), message.sdp()));
        }

        @Override
        public void answer(ClientMessage.Answer message) {
            Seat current = requireSeat();
            rooms.relay(current, message.to(), new ServerMessage.Answer(self(current), message.sdp()));
        }

        @Override
        public void candidate(ClientMessage.Candidate message) {
            Seat current = requireSeat();
            rooms.relay(current, message.to(), new ServerMessage.Candidate(self(current), message.candidate()));
        }

        @Override
        public void chat(ClientMessage.Chat message) {
            Seat current = requireSeat();
            if (!chatRate.tryTake()) {
                throw new RoomException("chat-rate-limited", "You are sending chat messages too fast; wait a moment.");
            }
            rooms.chat(current, message.text());
        }

        @Override
        public void screen(ClientMessage.Screen message) {
            rooms.shareScreen(requireSeat(), message.sharing(), message.streamId());
        }

        @Override
        public void hand(ClientMessage.Hand message) {
            rooms.raiseHand(requireSeat(), message.raised());
        }

        @Override
        public void speaking(ClientMessage.Speaking message) {
            rooms.speaking(requireSeat(), message.speaking());
        }

        @Override
        public void pin(ClientMessage.Pin message) {
            rooms.pin(requireSeat(), message.participant());
        }

        @Override
        public void publish(ClientMessage.Publish message) {
            rooms.publish(requireSeat(), message.sdp(), message.sharesScreen());
        }

        @Override
        public void subscribe(ClientMessage.Subscribe message) {
            rooms.subscribe(requireSeat(), message.stream(), message.sdp());
        }

        @Override
        public void sfuCandidate(ClientMessage.SfuCandidate message) {
            rooms.sfuCandidate(requireSeat(), message.stream(), message.candidate());
        }

        @Override
        public void mediaState(ClientMessage.MediaState message) {
            rooms.setMedia(requireSeat(), message.audioMuted(), message.videoMuted());
        }

        @Override
        public void muteParticipant(ClientMessage.MuteParticipant message) {
            rooms.muteParticipant(requireSeat(), message.participant());
        }

        @Override
        public void muteAll(ClientMessage.MuteAll message) {
            rooms.muteAll(requireSeat());
        }

        @Override
        public void askCamera(ClientMessage.AskCamera message) {
            rooms.askCamera(requireSeat(), message.participant());
        }

        @Override
        public void removeParticipant(ClientMessage.RemoveParticipant message) {
            rooms.removeParticipant(requireSeat(), message.participant());
        }

        @Override
        public void makeHost(ClientMessage.MakeHost message) {
            rooms.makeHost(requireSeat(), message.participant());
        }

        @Override
        public void recording(ClientMessage.Record message) {
            rooms.record(requireSeat(), message.recording());
        }

        @Override
        public void claimHost(ClientMessage.ClaimHost message) {
            rooms.claimHost(requireSeat());
        }

        @Override
        public void lockRoom(ClientMessage.LockRoom message) {
            rooms.lock(requireSeat(), message.locked());
        }

        @Override
        public void lobby(ClientMessage.Lobby message) {
            rooms.setLobby(requireSeat(), message.enabled());
        }

        @Override
        public void admit(ClientMessage.Admit message) {
            rooms.admit(requireSeat(), message.id());
        }

        @Override
        public void deny(ClientMessage.Deny message) {
            rooms.deny(requireSeat(), message.id());
        }

        @Override
        public void endMeeting(ClientMessage.EndMeeting message) {
            rooms.endMeeting(requireSeat()); // refused for a non-host, who keeps their seat
            seat = null;
        }

        @Override
        public void iceServersRequest(ClientMessage.IceServersRequest message) {
            outbox.post(mailbox.iceServers(self(requireSeat())));
        }
    };

    private static String self(Seat seat) {
        return seat.participant().id();
    }

    /**
     * Cheap checks first; a room without a passcode is joined at once, with nothing to guess. A
     * passcode is checked on the passcode threads, within this connection's budget.
     */
    private void join(ClientMessage.Join join) {
        if (!rooms.precheckJoin(roomId, join.name(), join.member(), join.passcode(), join.host())) {
            seatOrWait(rooms.join(roomId, join.name(), join.member(), join.passcode(), join.host(), mailbox, this::admitted));
            return;
        }
        long now = System.nanoTime();
        long wait = wrongPasscodes.begin(now);
        if (wait > 0) {
            throw new RoomException("too-many-attempts", "Too many wrong passcodes; try again in " + wait + " s.");
        }
        boolean wasChecking;
        synchronized (this) {
            wasChecking = checking;
            checking = true;
            handOffs++; // before the check can start: its thread must see it when it takes over held messages
        }
        try {
            if (!passcodeChecks.tryTake()) {
                throw new RoomException("too-many-attempts", "Too many passcode checks on this connection; try again in "
                        + passcodeChecks.secondsUntilNext() + " s.");
            }
            checks.submit(address, () -> checkedJoin(join));
        } catch (RoomException refused) {
            wrongPasscodes.end(now, false);
            synchronized (this) {
                handOffs--; // nothing went to the passcode threads; this thread goes on
                if (!wasChecking) {
                    checking = false; // nothing was held: only the container's thread holds, and it is here
                }
            }
            throw refused;
        }
    }

    /** On a passcode thread: the join, then whatever the socket sent meanwhile. */
    private void checkedJoin(ClientMessage.Join join) {
        try {
            seatOrWait(joinGuessing(join));
        } catch (RoomException e) {
            reply(e.code(), e.getMessage());
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "unexpected failure checking a passcode", e);
            reply("internal-error", "The server could not handle this message.");
        }
        handleHeld();
    }

    private void handleHeld() {
        while (true) {
            String next;
            long before;
            synchronized (this) {
                next = held.poll();
                if (next == null) {
                    checking = false;
                    heldDropped = false;
                    return;
                }
                before = handOffs;
            }
            process(next);
            synchronized (this) {
                if (handOffs != before) {
                    return; // a held join went to the passcode threads: they go on from there
                }
            }
        }
    }

    /**
     * After {@value #FREE_PASSCODE_TRIES} wrong passcodes on this connection, or
     * {@value PasscodeGuard#FREE_TRIES_PER_ADDRESS} for this room from this connection's address,
     * each further try has to wait twice as long as the one before (2 s, 4 s, ... 64 s). The
     * address's turn is taken here, on a passcode thread, so that only as many tries as there are
     * such threads can race past its allowance.
     */
    private Optional<Seat> joinGuessing(ClientMessage.Join join) {
        try {
            guard.begin(address, roomId, System.nanoTime());
        } catch (RoomException slowed) {
            wrongPasscodes.end(System.nanoTime(), false);
            throw slowed;
        }
        boolean wrong = false;
        try {
            Optional<Seat> joined = rooms.join(roomId, join.name(), join.member(), join.passcode(), join.host(), mailbox,
                    this::admitted);
            guard.right(address, roomId);
            return joined;
        } catch (RoomException e) {
            wrong = "passcode-invalid".equals(e.code());
            throw e;
        } finally {
            long judged = System.nanoTime();
            wrongPasscodes.end(judged, wrong);
            if (wrong) {
                guard.wrong(address, roomId, judged);
            } else {
                guard.undecided(address, roomId, judged); // after right() this finds nothing
            }
        }
    }

    private void requireNoSeat() {
        if (seat != null) {
            throw new RoomException("already-joined", "This connection has already joined the room.");
        }
        if (waiting) {
            throw new RoomException("already-joined", "This connection waits in the lobby already.");
        }
    }

    private Seat requireSeat() {
        Seat current = seat;
        if (current == null) {
            throw new RoomException("not-joined", "Join the room first.");
        }
        return current;
    }

    private void reply(String code, String message) {
        outbox.post(new ServerMessage.Error(code, message));
    }
}
