package org.palaver.signaling.control;

import java.util.List;
import org.palaver.ice.boundary.IceServerSource;
import org.palaver.rooms.entity.Mailbox;
import org.palaver.protocol.ServerMessage;

/**
 * The mailbox a connection gives its room. It completes each {@code joined} with what only this
 * connection knows: TURN credentials for this participant, and only the chat the page does not
 * have yet. The history goes out once per connection (a leave/join loop on one socket gets it
 * once); on resume only what came after the page's last message ({@code chatSince}), or all of
 * it when that one is no longer kept (a room rebuilt after a restart has new ids).
 *
 * <p>Rooms post under their lock: {@link #post} only computes (one HMAC for the credentials) and
 * enqueues. Guarded by this: {@code historySent}, {@code chatSince}.
 */
final class ConnectionMailbox implements Mailbox {

    private final Mailbox outbox;
    private final IceServerSource ice;
    private boolean historySent;
    private String chatSince;

    ConnectionMailbox(Mailbox outbox, IceServerSource ice) {
        this.outbox = outbox;
        this.ice = ice;
    }

    /** Before a resume: the id of the last chat message the page has (null: none or unknown). */
    synchronized void chatSince(String id) {
        chatSince = id;
    }

    @Override
    public void post(ServerMessage message) {
        outbox.post(message instanceof ServerMessage.Joined joined ? complete(joined) : message);
    }

    @Override
    public void replaced() {
        outbox.replaced();
    }

    @Override
    public void moved() {
        outbox.moved();
    }

    @Override
    public void dismissed(ServerMessage last) {
        outbox.dismissed(last);
    }

    /** Fresh ICE servers for the participant this connection is, on request. */
    ServerMessage.IceServerList iceServers(String participantId) {
        return new ServerMessage.IceServerList(ice.forParticipant(participantId), ice.ttlSeconds());
    }

    private synchronized ServerMessage.Joined complete(ServerMessage.Joined joined) {
        // A join after a failed resume starts the page's chat afresh: all of it.
        List<ServerMessage.Chat> chat = historySent ? List.of() : after(joined.chat(), joined.resumed() ? chatSince : null);
        historySent = true;
        chatSince = null;
        return joined.with(chat, ice.forParticipant(joined.self().id()), ice.ttlSeconds());
    }

    private static List<ServerMessage.Chat> after(List<ServerMessage.Chat> history, String lastSeen) {
        for (int i = history.size() - 1; lastSeen != null && i >= 0; i--) {
            if (history.get(i).id().equals(lastSeen)) {
                return history.subList(i + 1, history.size());
            }
        }
        return history;
    }
}
