package org.palaver.rooms.entity;

import java.util.ArrayList;
import java.util.List;
import org.palaver.protocol.ServerMessage;

/** Collects what a room posts, as a socket would receive it. */
final class RecordingMailbox implements Mailbox {

    final List<ServerMessage> received = new ArrayList<>();
    boolean replaced;
    boolean moved;
    ServerMessage dismissedWith;

    @Override
    public void post(ServerMessage message) {
        received.add(message);
    }

    @Override
    public void moved() {
        moved = true;
    }

    @Override
    public void replaced() {
        replaced = true;
    }

    @Override
    public void dismissed(ServerMessage last) {
        received.add(last);
        dismissedWith = last;
    }

    <T extends ServerMessage> List<T> all(Class<T> kind) {
        return received.stream().filter(kind::isInstance).map(kind::cast).toList();
    }

    <T extends ServerMessage> T last(Class<T> kind) {
        List<T> list = all(kind);
        if (list.isEmpty()) {
            throw new AssertionError("no " + kind.getSimpleName() + " in " + received);
        }
        return list.get(list.size() - 1);
    }
}
