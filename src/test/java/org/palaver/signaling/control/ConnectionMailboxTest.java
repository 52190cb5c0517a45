package org.palaver.signaling.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.palaver.ice.boundary.IceServerSource;
import org.palaver.ice.control.IceServers;
import org.palaver.rooms.entity.Mailbox;
import org.palaver.protocol.ParticipantInfo;
import org.palaver.protocol.ServerMessage;

class ConnectionMailboxTest {

    static final ParticipantInfo BOB = new ParticipantInfo("b0b", "Bob", false, false, "connected", false, null, false, false);
    static final List<ServerMessage.Chat> HISTORY = List.of(chat("r1-1"), chat("r1-2"), chat("r1-3"));

    final List<ServerMessage> sent = new ArrayList<>();
    final Mailbox socket = new Mailbox() {
        @Override
        public void post(ServerMessage message) {
            sent.add(message);
        }

        @Override
        public void replaced() {
        }

        @Override
        public void moved() {
        }

        @Override
        public void dismissed(ServerMessage last) {
        }
    };
    final IceServerSource ice = new IceServerSource(Optional.of("stun:stun.intranet:3478,turn:turn.intranet:3478"),
            Optional.of("s3cret"), Duration.ofMinutes(10));
    final ConnectionMailbox mailbox = new ConnectionMailbox(socket, ice);

    static ServerMessage.Chat chat(String id) {
        return new ServerMessage.Chat(id, "a1", "Alice", "line " + id, "2026-01-01T10:00:00Z");
    }

    static ServerMessage.Joined joined(boolean resumed) {
        return new ServerMessage.Joined(BOB, "tok", "mesh", List.of(), resumed, false, HISTORY);
    }

    ServerMessage.Joined lastJoined() {
        return (ServerMessage.Joined) sent.get(sent.size() - 1);
    }

    @Test
    void theHistoryGoesOutOncePerConnection() {
        mailbox.post(joined(false));
        assertEquals(HISTORY, lastJoined().chat());
        mailbox.post(joined(false)); // left and joined again on the same socket
        assertEquals(List.of(), lastJoined().chat());
        mailbox.post(new ServerMessage.Pong());
        assertEquals(new ServerMessage.Pong(), sent.get(sent.size() - 1), "other messages pass unchanged");
    }

    @Test
    void aResumeGetsOnlyWhatCameAfterThePagesLastMessage() {
        mailbox.chatSince("r1-2");
        mailbox.post(joined(true));
        assertEquals(List.of(chat("r1-3")), lastJoined().chat());

        ConnectionMailbox other = new ConnectionMailbox(socket, ice);
        other.chatSince("r0-7"); // from before a restart: not kept any more, so all of it
        other.post(joined(true));
        assertEquals(HISTORY, lastJoined().chat());

        ConnectionMailbox failedResume = new ConnectionMailbox(socket, ice);
        failedResume.chatSince("r1-2"); // the resume failed, the page joins afresh and clears its chat
        failedResume.post(joined(false));
        assertEquals(HISTORY, lastJoined().chat());
    }

    @Test
    void joinedCarriesTurnCredentialsForThisParticipantAndThePageCanRenewThem() {
        mailbox.post(joined(false));
        ServerMessage.Joined joined = lastJoined();
        assertEquals(600L, joined.iceServersTtl());
        IceServers.IceServer turn = joined.iceServers().get(1);
        assertEquals(List.of("turn:turn.intranet:3478"), turn.urls());
        assertTrue(turn.username().endsWith(":b0b"), "coturn counts its user quota per participant: " + turn.username());
        assertEquals(IceServers.credential("s3cret", turn.username()), turn.credential());

        ServerMessage.IceServerList renewed = mailbox.iceServers("b0b");
        assertEquals(600L, renewed.ttl());
        assertEquals(turn.urls(), renewed.iceServers().get(1).urls());
    }

    @Test
    void anonymousCallersGetNoTurn() {
        assertEquals(List.of(new IceServers.IceServer(List.of("stun:stun.intranet:3478"), null, null)), ice.anonymous());
        IceServerSource stunOnly = new IceServerSource(Optional.of("stun:stun.intranet:3478"), Optional.of("s3cret"), Duration.ofMinutes(10));
        assertNull(stunOnly.ttlSeconds(), "nothing expires without TURN");
    }
}
