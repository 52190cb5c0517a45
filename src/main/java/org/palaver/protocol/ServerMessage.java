package org.palaver.protocol;

import jakarta.json.bind.annotation.JsonbSubtype;
import jakarta.json.bind.annotation.JsonbTypeInfo;
import java.util.List;
import org.palaver.ice.control.IceServers.IceServer;

/** What the server sends on the signaling socket, one record per {@code type}. See docs/protocol.md. */
@JsonbTypeInfo(key = "type", value = {
        @JsonbSubtype(alias = "joined", type = ServerMessage.Joined.class),
        @JsonbSubtype(alias = "participant-joined", type = ServerMessage.ParticipantJoined.class),
        @JsonbSubtype(alias = "participant-left", type = ServerMessage.ParticipantLeft.class),
        @JsonbSubtype(alias = "participant-connection", type = ServerMessage.ParticipantConnection.class),
        @JsonbSubtype(alias = "media-state", type = ServerMessage.MediaState.class),
        @JsonbSubtype(alias = "offer", type = ServerMessage.Offer.class),
        @JsonbSubtype(alias = "answer", type = ServerMessage.Answer.class),
        @JsonbSubtype(alias = "candidate", type = ServerMessage.Candidate.class),
        @JsonbSubtype(alias = "chat", type = ServerMessage.Chat.class),
        @JsonbSubtype(alias = "hand", type = ServerMessage.Hand.class),
        @JsonbSubtype(alias = "screen", type = ServerMessage.Screen.class),
        @JsonbSubtype(alias = "sfu-answer", type = ServerMessage.SfuAnswer.class),
        @JsonbSubtype(alias = "sfu-candidate", type = ServerMessage.SfuCandidate.class),
        @JsonbSubtype(alias = "media-interrupted", type = ServerMessage.MediaInterrupted.class),
        @JsonbSubtype(alias = "sfu-restart", type = ServerMessage.SfuRestart.class),
        @JsonbSubtype(alias = "slots", type = ServerMessage.Slots.class),
        @JsonbSubtype(alias = "speaker", type = ServerMessage.Speaker.class),
        @JsonbSubtype(alias = "muted-by-host", type = ServerMessage.MutedByHost.class),
        @JsonbSubtype(alias = "camera-requested", type = ServerMessage.CameraRequested.class),
        @JsonbSubtype(alias = "removed", type = ServerMessage.Removed.class),
        @JsonbSubtype(alias = "host", type = ServerMessage.HostChanged.class),
        @JsonbSubtype(alias = "recording", type = ServerMessage.Recording.class),
        @JsonbSubtype(alias = "room-state", type = ServerMessage.RoomState.class),
        @JsonbSubtype(alias = "meeting-ended", type = ServerMessage.MeetingEnded.class),
        @JsonbSubtype(alias = "lobby-waiting", type = ServerMessage.LobbyWaiting.class),
        @JsonbSubtype(alias = "lobby-request", type = ServerMessage.LobbyRequest.class),
        @JsonbSubtype(alias = "lobby-left", type = ServerMessage.LobbyLeft.class),
        @JsonbSubtype(alias = "lobby-denied", type = ServerMessage.LobbyDenied.class),
        @JsonbSubtype(alias = "pong", type = ServerMessage.Pong.class),
        @JsonbSubtype(alias = "ice-servers", type = ServerMessage.IceServerList.class),
        @JsonbSubtype(alias = "error", type = ServerMessage.Error.class)
})
public sealed interface ServerMessage {

    /**
     * Answer to {@code join} and {@code resume}: who you are, the token to resume with, everyone
     * else in the room, and the room's recent chat (the last 100 messages, oldest first). {@code resumed} is true when the server kept your place; {@code restored}
     * when the server had restarted and rebuilt the room from resume tokens, so others may still
     * be on their way back. {@code iceServers} (with TURN credentials for this participant, valid
     * {@code iceServersTtl} seconds) is added by the connection, which also trims {@code chat} to
     * what the page has not had yet. {@code locked}: the hosts locked the room; {@code lobby}:
     * newcomers wait in the lobby; {@code recording}: the room is being recorded.
     */
    record Joined(ParticipantInfo self, String resumeToken, String media, List<ParticipantInfo> participants,
                  boolean resumed, boolean restored, List<Chat> chat, List<IceServer> iceServers, Long iceServersTtl,
                  boolean locked, boolean lobby, boolean recording)
            implements ServerMessage {

        public Joined(ParticipantInfo self, String resumeToken, String media, List<ParticipantInfo> participants,
                      boolean resumed, boolean restored, List<Chat> chat) {
            this(self, resumeToken, media, participants, resumed, restored, chat, null, null, false, false, false);
        }

        public Joined with(List<Chat> newChat, List<IceServer> servers, Long ttl) {
            return new Joined(self, resumeToken, media, participants, resumed, restored, newChat, servers, ttl, locked, lobby,
                    recording);
        }

        public Joined withRoomState(boolean isLocked, boolean lobbyOn, boolean recordingOn) {
            return new Joined(self, resumeToken, media, participants, resumed, restored, chat, iceServers, iceServersTtl,
                    isLocked, lobbyOn, recordingOn);
        }
    }

    /**
     * A host ({@code by}, {@code name}) started or stopped recording the room; {@code by} is null
     * when it stopped by itself (its media server was lost for good, or recording failed).
     */
    record Recording(boolean recording, String by, String name) implements ServerMessage {
    }

    /** A host ({@code by}, {@code name}) muted your microphone: mute it; it stays muted until you unmute. */
    record MutedByHost(String by, String name) implements ServerMessage {
    }

    /** A host asks you to turn your camera on (only you can). */
    record CameraRequested(String by, String name) implements ServerMessage {
    }

    /** A host removed you from the room; the socket closes (4005) and the page must not reconnect. */
    record Removed(String by, String name) implements ServerMessage {
    }

    /**
     * Participant {@code id} is a host now. The new host's own copy carries its new
     * {@code resumeToken} (null, and left out, in everyone else's).
     */
    record HostChanged(String id, boolean host, String resumeToken) implements ServerMessage {
    }

    /** The hosts locked ({@code true}) or unlocked the room, or turned the lobby on or off. */
    record RoomState(boolean locked, boolean lobby) implements ServerMessage {
    }

    /** You wait in the lobby until a host lets you in ({@code joined}) or turns you away ({@code lobby-denied}). */
    record LobbyWaiting() implements ServerMessage {
    }

    /**
     * To hosts: {@code name} waits in the lobby; {@code admit} or {@code deny} them by {@code id}.
     * {@code verified}: signed in with the company's provider, so the name is the provider's.
     */
    record LobbyRequest(String id, String name, boolean verified) implements ServerMessage {
    }

    /** To hosts: lobby request {@code id} is settled (let in, turned away, or they gave up). */
    record LobbyLeft(String id) implements ServerMessage {
    }

    /** A host turned you away from the lobby; the socket closes (4005). */
    record LobbyDenied(String by, String name) implements ServerMessage {
    }

    /** A host ended the meeting for everyone; the socket closes (4006) and the page must not reconnect. */
    record MeetingEnded(String by, String name) implements ServerMessage {
    }

    /** Fresh ICE servers for a participant who asked ({@code ice-servers}); TURN credentials valid {@code ttl} seconds. */
    record IceServerList(List<IceServer> iceServers, Long ttl) implements ServerMessage {
    }

    /**
     * A chat message: {@code from} and {@code name} are the sender as the server knows it,
     * {@code at} the server's time (ISO-8601); {@code id} is unique within the room.
     */
    record Chat(String id, String from, String name, String text, String at) implements ServerMessage {
    }

    record Hand(String id, boolean raised) implements ServerMessage {
    }

    /** Someone started or stopped sharing a screen; {@code streamId} names its MediaStream while sharing. */
    record Screen(String id, boolean sharing, String streamId) implements ServerMessage {
    }

    record ParticipantJoined(ParticipantInfo participant) implements ServerMessage {
    }

    /** {@code reason}: {@code left} (said goodbye or closed the page) or {@code timeout} (never came back). */
    record ParticipantLeft(String id, String reason) implements ServerMessage {
    }

    /** A participant's socket dropped ({@code reconnecting}) or came back ({@code connected}). */
    record ParticipantConnection(String id, String state) implements ServerMessage {
    }

    record MediaState(String id, boolean audioMuted, boolean videoMuted) implements ServerMessage {
    }

    record Offer(String from, String sdp) implements ServerMessage {
    }

    record Answer(String from, String sdp) implements ServerMessage {
    }

    record Candidate(String from, IceCandidate candidate) implements ServerMessage {
    }

    /** Kurento rooms: the media server's answer for the connection carrying {@code stream}. */
    record SfuAnswer(String stream, String sdp) implements ServerMessage {
    }

    /** Kurento rooms: a media server ICE candidate for the connection carrying {@code stream}. */
    record SfuCandidate(String stream, IceCandidate candidate) implements ServerMessage {
    }

    /** Kurento rooms: the media server connection is lost; media may stop until {@code sfu-restart}. */
    record MediaInterrupted() implements ServerMessage {
    }

    /**
     * Kurento rooms: the media server lost every connection of this room (it restarted, or this
     * server did) and is ready again: publish again and subscribe again to every stream.
     */
    record SfuRestart() implements ServerMessage {
    }

    /**
     * Kurento rooms: whose camera each of this page's video slots carries now ({@code ~slot0} is
     * the first; null: none). Everyone else is shown without video (last-N).
     */
    record Slots(List<String> slots) implements ServerMessage {
    }

    /** Kurento rooms: who speaks now ({@code id} absent: nobody), as the server heard from the pages. */
    record Speaker(String id) implements ServerMessage {
    }

    record Pong() implements ServerMessage {
    }

    /** {@code error} is a code from docs/protocol.md; {@code message} is for people. */
    record Error(String error, String message) implements ServerMessage {
    }
}
