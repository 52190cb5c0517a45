package org.palaver.signaling.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.palaver.protocol.ServerMessage;

class RemoteLinkTest {

    final MessageCodec codec = new MessageCodec();
    final List<String> sent = new CopyOnWriteArrayList<>();
    final List<Runnable> tasks = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        codec.close();
    }

    private RemoteLink link() {
        return new RemoteLink("edge-1", "c1", codec, tasks::add, (node, envelope) -> {
            assertEquals("edge-1", node);
            sent.add(envelope.kind() + " " + (envelope.code() == null ? "" : envelope.code() + " ") + envelope.text());
        });
    }

    @Test
    void postOnlyQueuesThenOneDrainSendsEachMessageEncodedInOrder() {
        RemoteLink link = link();
        link.post(new ServerMessage.Pong());
        link.post(new ServerMessage.Hand("p1", true));
        link.finish(new ServerMessage.Error("join-timeout", "late"), Outbox.JOIN_TIMEOUT);
        link.post(new ServerMessage.Pong()); // after the close: dropped
        assertEquals(List.of(), sent, "nothing leaves under the room's lock");
        assertEquals(1, tasks.size(), "one drain task for the lot");
        tasks.remove(0).run();
        assertEquals(List.of(
                "out {\"type\":\"pong\"}",
                "out {\"type\":\"hand\",\"id\":\"p1\",\"raised\":true}",
                "out {\"type\":\"error\",\"error\":\"join-timeout\",\"message\":\"late\"}",
                "end 4004 no join in time"), sent);
    }

    @Test
    void replacedClosesWith4001AndDropsWhatWasQueued() {
        RemoteLink link = link();
        link.post(new ServerMessage.Pong());
        link.replaced();
        tasks.remove(0).run();
        assertEquals(List.of("end 4001 replaced by a newer connection"), sent);
    }

    @Test
    void aSocketTooFarBehindIsClosedNotBuffered() {
        RemoteLink link = link();
        for (int i = 0; i <= RemoteLink.LIMIT; i++) {
            link.post(new ServerMessage.Pong());
        }
        tasks.remove(0).run();
        assertEquals(List.of("end 4002 too slow to receive"), sent);
    }
}
