package org.palaver.protocol;

import jakarta.json.bind.annotation.JsonbSubtype;
import jakarta.json.bind.annotation.JsonbTypeInfo;

/**
 * What a browser may send on the signaling socket, one record per {@code type}. Compact
 * constructors reject missing fields, so a decoded message is always complete. Ids in here only
 * name a target; who sends is known from the socket. See docs/protocol.md.
 */
@JsonbTypeInfo(key = "type", value = {
        @JsonbSubtype(alias = "join", type = ClientMessage.Join.class),
        @JsonbSubtype(alias = "resume", type = ClientMessage.Resume.class),
        @JsonbSubtype(alias = "offer", type = ClientMessage.Offer.class),
        @JsonbSubtype(alias = "answer", type = ClientMessage.Answer.class),
        @JsonbSubtype(alias = "candidate", type = ClientMessage.Candidate.class),
        @JsonbSubtype(alias = "media-state", type = ClientMessage.MediaState.class),
        @JsonbSubtype(alias = "chat", type = ClientMessage.Chat.class),
        @JsonbSubtype(alias = "hand", type = ClientMessage.Hand.class),
        @JsonbSubtype(alias = "speaking", type = ClientMessage.Speaking.class),
        @JsonbSubtype(alias = "pin", type = ClientMessage.Pin.class),
        @JsonbSubtype(alias = "screen", type = ClientMessage.Screen.class),
        @JsonbSubtype(alias = "publish", type = ClientMessage.Publish.class),
        @JsonbSubtype(alias = "subscribe", type = ClientMessage.Subscribe.class),
        @JsonbSubtype(alias = "sfu-candidate", type = ClientMessage.SfuCandidate.class),
        @JsonbSubtype(alias = "mute-participant", type = ClientMessage.MuteParticipant.class),
        @JsonbSubtype(alias = "mute-all", type = ClientMessage.MuteAll.class),
        @JsonbSubtype(alias = "ask-camera", type = ClientMessage.AskCamera.class),
        @JsonbSubtype(alias = "remove-participant", type = ClientMessage.RemoveParticipant.class),
        @JsonbSubtype(alias = "make-host", type = ClientMessage.MakeHost.class),
        @JsonbSubtype(alias = "claim-host", type = ClientMessage.ClaimHost.class),
        @JsonbSubtype(alias = "record", type = ClientMessage.Record.class),
        @JsonbSubtype(alias = "lock-room", type = ClientMessage.LockRoom.class),
        @JsonbSubtype(alias = "end-meeting", type = ClientMessage.EndMeeting.class),
        @JsonbSubtype(alias = "lobby", type = ClientMessage.Lobby.class),
        @JsonbSubtype(alias = "admit", type = ClientMessage.Admit.class),
        @JsonbSubtype(alias = "deny", type = ClientMessage.Deny.class),
        @JsonbSubtype(alias = "leave", type = ClientMessage.Leave.class),
        @JsonbSubtype(alias = "ping", type = ClientMessage.Ping.class),
        @JsonbSubtype(alias = "ice-servers", type = ClientMessage.IceServersRequest.class)
})
public sealed interface ClientMessage {

    /** Hands this message to the handler's method for its kind. */
    void accept(Handler handler);

    /**
     * One method per kind of message: a kind added without its handler does not compile (the
     * records are sealed, and each one calls its own method here).
     */
    interface Handler {
        void join(Join message);

        void resume(Resume message);

        void offer(Offer message);

        void answer(Answer message);

        void candidate(Candidate message);

        void mediaState(MediaState message);

        void chat(Chat message);

        void hand(Hand message);

        void speaking(Speaking message);

        void pin(Pin message);

        void screen(Screen message);

        void publish(Publish message);

        void subscribe(Subscribe message);

        void sfuCandidate(SfuCandidate message);

        void muteParticipant(MuteParticipant message);

        void muteAll(MuteAll message);

        void askCamera(AskCamera message);

        void removeParticipant(RemoveParticipant message);

        void makeHost(MakeHost message);

        void recording(Record message);

        void claimHost(ClaimHost message);

        void lockRoom(LockRoom message);

        void endMeeting(EndMeeting message);

        void lobby(Lobby message);

        void admit(Admit message);

        void deny(Deny message);

        void leave(Leave message);

        void ping(Ping message);

        void iceServersRequest(IceServersRequest message);
    }

    /**
     * Enter the room under a display name; the server answers {@code joined}. {@code passcode} and
     * {@code host} (the secret of the room's host link, which makes the sender a host and needs no
     * passcode) are optional. {@code member}, optional: the member pass from {@code GET /api/me};
     * with it the name is the one the company's identity provider gave, whatever {@code name} says.
     */
    record Join(String name, String passcode, String host, String member) implements ClientMessage {
        @Override
        public void accept(Handler handler) {
            handler.join(this);
        }

        public Join {
            require(name, "name");
        }
    }

    /**
     * Take back one's place after a dropped socket, with the token from {@code joined}.
     * {@code chatSince}, optional: the id of the last chat message the page has, so {@code joined}
     * carries only what came after it.
     */
    record Resume(String token, String chatSince) implements ClientMessage {
        @Override
        public void accept(Handler handler) {
            handler.resume(this);
        }

        public Resume {
            require(token, "token");
        }
    }

    record Offer(String to, String sdp) implements ClientMessage, Addressed {
        @Override
        public void accept(Handler handler) {
            handler.offer(this);
        }

        public Offer {
            require(to, "to");
            require(sdp, "sdp");
        }
    }

    record Answer(String to, String sdp) implements ClientMessage, Addressed {
        @Override
        public void accept(Handler handler) {
            handler.answer(this);
        }

        public Answer {
            require(to, "to");
            require(sdp, "sdp");
        }
    }

    record Candidate(String to, IceCandidate candidate) implements ClientMessage, Addressed {
        @Override
        public void accept(Handler handler) {
            handler.candidate(this);
        }

        public Candidate {
            require(to, "to");
            require(candidate, "candidate");
        }
    }

    /** The sender's own microphone and camera state, broadcast to the room. */
    record MediaState(Boolean audioMuted, Boolean videoMuted) implements ClientMessage {
        @Override
        public void accept(Handler handler) {
            handler.mediaState(this);
        }

        public MediaState {
            require(audioMuted, "audioMuted");
            require(videoMuted, "videoMuted");
        }
    }

    /** A chat message to everyone in the room, the sender included; plain text, never HTML. */
    record Chat(String text) implements ClientMessage {
        @Override
        public void accept(Handler handler) {
            handler.chat(this);
        }

        public Chat {
            require(text, "text");
        }
    }

    /** Raise ({@code true}) or lower the sender's hand. */
    record Hand(Boolean raised) implements ClientMessage {
        @Override
        public void accept(Handler handler) {
            handler.hand(this);
        }

        public Hand {
            require(raised, "raised");
        }
    }

    /**
     * Kurento rooms: the sender started ({@code true}) or stopped speaking, as their page hears its
     * own microphone. The server decides from it whose cameras everyone receives (last-N).
     */
    record Speaking(Boolean speaking) implements ClientMessage {
        @Override
        public void accept(Handler handler) {
            handler.speaking(this);
        }

        public Speaking {
            require(speaking, "speaking");
        }
    }

    /**
     * Kurento rooms: the sender pins {@code participant}'s camera (keeps it in one of their slots
     * whoever speaks), or, without one, unpins. Only the sender's own slots change.
     */
    record Pin(String participant) implements ClientMessage {
        @Override
        public void accept(Handler handler) {
            handler.pin(this);
        }
    }

    /**
     * Start ({@code sharing: true}, with the id of the MediaStream that carries the screen, so
     * others can tell it from the camera) or stop sharing the sender's screen.
     */
    record Screen(Boolean sharing, String streamId) implements ClientMessage {
        @Override
        public void accept(Handler handler) {
            handler.screen(this);
        }

        public Screen {
            require(sharing, "sharing");
            if (sharing && (streamId == null || !streamId.matches("[A-Za-z0-9{}_-]{1,64}"))) {
                throw new IllegalArgumentException("'streamId' must be the screen's MediaStream id");
            }
        }
    }

    /**
     * Kurento rooms: the sender's send-only offer for its own camera stream, or with
     * {@code screen: true} for the screen it shares (stream {@code <id>~screen}); answered by
     * {@code sfu-answer}.
     */
    record Publish(String sdp, Boolean screen) implements ClientMessage {
        @Override
        public void accept(Handler handler) {
            handler.publish(this);
        }

        public Publish {
            require(sdp, "sdp");
        }

        public boolean sharesScreen() {
            return Boolean.TRUE.equals(screen);
        }
    }

    /**
     * Kurento rooms: a receive-only offer for the stream of participant {@code stream}; answered by
     * {@code sfu-answer}. Subscribing again to the same stream replaces the earlier subscription.
     */
    record Subscribe(String stream, String sdp) implements ClientMessage {
        @Override
        public void accept(Handler handler) {
            handler.subscribe(this);
        }

        public Subscribe {
            require(stream, "stream");
            require(sdp, "sdp");
        }
    }

    /**
     * Kurento rooms: a browser ICE candidate for one of its connections to the media server, named
     * by the stream it carries (the sender's own id for its publishing connection).
     */
    record SfuCandidate(String stream, IceCandidate candidate) implements ClientMessage {
        @Override
        public void accept(Handler handler) {
            handler.sfuCandidate(this);
        }

        public SfuCandidate {
            require(stream, "stream");
            require(candidate, "candidate");
        }
    }

    // Host controls: refused with not-host unless the sender is a host.

    /** Mute participant {@code participant}'s microphone. */
    record MuteParticipant(String participant) implements ClientMessage {
        @Override
        public void accept(Handler handler) {
            handler.muteParticipant(this);
        }

        public MuteParticipant {
            require(participant, "participant");
        }
    }

    /** Mute everyone but the hosts. */
    record MuteAll() implements ClientMessage {
        @Override
        public void accept(Handler handler) {
            handler.muteAll(this);
        }
    }

    /** Ask participant {@code participant} to turn their camera on. */
    record AskCamera(String participant) implements ClientMessage {
        @Override
        public void accept(Handler handler) {
            handler.askCamera(this);
        }

        public AskCamera {
            require(participant, "participant");
        }
    }

    record RemoveParticipant(String participant) implements ClientMessage {
        @Override
        public void accept(Handler handler) {
            handler.removeParticipant(this);
        }

        public RemoveParticipant {
            require(participant, "participant");
        }
    }

    record MakeHost(String participant) implements ClientMessage {
        @Override
        public void accept(Handler handler) {
            handler.makeHost(this);
        }

        public MakeHost {
            require(participant, "participant");
        }
    }

    /** Start ({@code true}) or stop recording the room (a host, in a Kurento room). */
    record Record(Boolean recording) implements ClientMessage {
        @Override
        public void accept(Handler handler) {
            handler.recording(this);
        }

        public Record {
            require(recording, "recording");
        }
    }

    /** A signed-in member makes themselves host of a room that has none. */
    record ClaimHost() implements ClientMessage {
        @Override
        public void accept(Handler handler) {
            handler.claimHost(this);
        }
    }

    /** Lock ({@code true}: nobody new joins but hosts) or unlock the room. */
    record LockRoom(Boolean locked) implements ClientMessage {
        @Override
        public void accept(Handler handler) {
            handler.lockRoom(this);
        }

        public LockRoom {
            require(locked, "locked");
        }
    }

    /** End the meeting for everyone. */
    record EndMeeting() implements ClientMessage {
        @Override
        public void accept(Handler handler) {
            handler.endMeeting(this);
        }
    }

    /** Turn the lobby on (newcomers wait for a host) or off (lets in everyone waiting). */
    record Lobby(Boolean enabled) implements ClientMessage {
        @Override
        public void accept(Handler handler) {
            handler.lobby(this);
        }

        public Lobby {
            require(enabled, "enabled");
        }
    }

    /** Let lobby request {@code id} in. */
    record Admit(String id) implements ClientMessage {
        @Override
        public void accept(Handler handler) {
            handler.admit(this);
        }

        public Admit {
            require(id, "id");
        }
    }

    /** Turn lobby request {@code id} away. */
    record Deny(String id) implements ClientMessage {
        @Override
        public void accept(Handler handler) {
            handler.deny(this);
        }

        public Deny {
            require(id, "id");
        }
    }

    record Leave() implements ClientMessage {
        @Override
        public void accept(Handler handler) {
            handler.leave(this);
        }
    }

    /** Application-level keep-alive; browsers cannot see WebSocket ping frames. */
    record Ping() implements ClientMessage {
        @Override
        public void accept(Handler handler) {
            handler.ping(this);
        }
    }

    /** A participant asks for fresh ICE servers before its TURN credentials expire. */
    record IceServersRequest() implements ClientMessage {
        @Override
        public void accept(Handler handler) {
            handler.iceServersRequest(this);
        }
    }

    /** Messages relayed to one other participant of the same room. */
    sealed interface Addressed permits Offer, Answer, Candidate {
        String to();
    }

    private static void require(Object value, String field) {
        if (value == null) {
            throw new IllegalArgumentException("missing field '" + field + "'");
        }
    }
}
