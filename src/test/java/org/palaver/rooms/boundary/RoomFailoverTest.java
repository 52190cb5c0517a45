package org.palaver.rooms.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.palaver.cluster.boundary.RoomPlacement;
import org.palaver.cluster.control.RoomClaims;
import org.palaver.cluster.entity.RoomEntry;
import org.palaver.platform.LimitExceeded;
import org.palaver.rooms.boundary.RoomServiceTest.TokenBox;
import org.palaver.rooms.entity.RoomException;
import org.palaver.rooms.entity.RoomMoving;
import org.palaver.rooms.entity.Seat;

/**
 * Rooms of several nodes on one shared placement (the grid's claim logic on plain maps): a room
 * whose node left comes back on the node the first resume reaches, under the same participant
 * ids; the node that loses the race sends its page on; a room that ended stays gone everywhere.
 */
class RoomFailoverTest {

    private final Instant t0 = Instant.parse("2026-01-01T10:00:00Z");
    private final Jsonb json = JsonbBuilder.create();
    private final RoomClaims claims = new RoomClaims(new ConcurrentHashMap<>(), new ConcurrentHashMap<>(), json);
    private final Set<String> live = new CopyOnWriteArraySet<>(Set.of("a", "b", "c"));
    private final Set<String> draining = new CopyOnWriteArraySet<>();
    private final java.util.Map<String, java.util.function.BiFunction<Optional<String>, Boolean, Optional<String>>> creators = new ConcurrentHashMap<>();
    private final java.util.Map<String, RoomService> nodes = new ConcurrentHashMap<>();
    private final java.util.Map<String, Function<String, Optional<String>>> answerers = new ConcurrentHashMap<>();
    private final RoomService a = node("a");
    private final RoomService b = node("b");
    private final RoomService c = node("c");

    @AfterEach
    void close() throws Exception {
        for (RoomService node : new RoomService[] {a, b, c}) {
            node.stopClock();
        }
        json.close();
    }

    @Test
    void aRoomWhoseNodeLeftComesBackWhereItsPagesResumeUnderTheSameIds() {
        String room = a.create().id();
        assertEquals(Optional.of("a"), b.grid.ownerElsewhere(room), "b sends this room's sockets to a");
        TokenBox alice = new TokenBox();
        TokenBox bob = new TokenBox();
        String aliceId = a.join(room, "Alice", alice).participant().id();
        String bobId = a.join(room, "Bob", bob).participant().id();
        assertTrue(b.findElsewhere(room).orElseThrow().contains(bobId), "b shows a's room as a does");

        live.remove("a"); // a killed outright: no goodbye, its entry still names it
        assertEquals(Optional.empty(), b.grid.ownerElsewhere(room));
        LimitExceeded moving = assertThrows(LimitExceeded.class, () -> b.findElsewhere(room));
        assertEquals("room-moving", moving.code(), "a page opened meanwhile is told to try again, not that there is no room");
        assertEquals(503, moving.status());

        Seat aliceBack = b.resume(room, alice.token, RoomServiceTest.SILENT);
        assertEquals(aliceId, aliceBack.participant().id());
        assertEquals("Alice", aliceBack.participant().name());
        RoomEntry entry = claims.entry(room).orElseThrow();
        assertEquals("b", entry.owner(), "b holds the room now");
        assertEquals(2, entry.epoch());
        assertEquals(Optional.of("b"), c.grid.ownerElsewhere(room), "c sends this room's sockets to b from now on");

        Seat bobBack = b.resume(room, bob.token, RoomServiceTest.SILENT);
        assertEquals(bobId, bobBack.participant().id());
        assertEquals(2, b.find(room).orElseThrow().participants().size());
        String atC = c.findElsewhere(room).orElseThrow();
        assertTrue(atC.contains(aliceId) && atC.contains(bobId), "c asks b, the room's node now: " + atC);
    }

    @Test
    void aMeshRoomStaysMeshOnANodeWithAMediaServer() {
        String room = a.create().id();
        TokenBox alice = new TokenBox();
        a.join(room, "Alice", alice);
        live.remove("a");
        b.media = new org.palaver.rooms.control.MeshMedia() {
            @Override
            public org.palaver.rooms.entity.MediaMode modeForNewRoom() {
                return org.palaver.rooms.entity.MediaMode.KURENTO; // b could put a new room on its media server
            }
        };
        b.resume(room, alice.token, RoomServiceTest.SILENT);
        assertEquals("mesh", b.find(room).orElseThrow().media(), "its pages' media never stopped: no move to the media server");
        assertEquals("mesh", claims.entry(room).orElseThrow().mode());
    }

    @Test
    void theNodeThatLosesTheTakeOverSendsItsPageOnAndKeepsNothing() {
        String room = a.create().id();
        TokenBox alice = new TokenBox();
        TokenBox bob = new TokenBox();
        a.join(room, "Alice", alice);
        a.join(room, "Bob", bob);
        live.remove("a");

        b.resume(room, alice.token, RoomServiceTest.SILENT);
        RoomException lost = assertThrows(RoomException.class, () -> c.resume(room, bob.token, RoomServiceTest.SILENT));
        assertInstanceOf(RoomMoving.class, lost, "the socket is closed so the page reconnects");
        assertEquals("room-moved", lost.code());
        assertEquals(0, c.roomCount(), "c built no copy of the room");
        assertEquals("b", claims.entry(room).orElseThrow().owner());
    }

    @Test
    void aRoomThatEndedOnItsNodeIsNotBroughtBackByATokenElsewhere() {
        String room = a.create().id();
        TokenBox alice = new TokenBox();
        a.leave(a.join(room, "Alice", alice));
        a.clock = Clock.fixed(t0.plus(Duration.ofMinutes(5)), ZoneOffset.UTC);
        a.tick();
        assertEquals(0, a.roomCount());

        assertEquals("room-not-found", assertThrows(RoomException.class, () -> b.resume(room, alice.token, RoomServiceTest.SILENT))
                .code(), "the token is valid and from another node, but its room ended");
        live.remove("a");
        assertEquals("room-not-found", assertThrows(RoomException.class, () -> c.resume(room, alice.token, RoomServiceTest.SILENT))
                .code(), "nor once that node is gone");
        assertEquals(0, b.roomCount() + c.roomCount());
    }

    @Test
    void aNodeOutOfTheClusterSendsThePageElsewhere() {
        String room = a.create().id();
        TokenBox alice = new TokenBox();
        a.join(room, "Alice", alice);
        live.remove("a");
        ((SharedPlacement) b.grid).joined = false;
        RoomException refused = assertThrows(RoomException.class, () -> b.resume(room, alice.token, RoomServiceTest.SILENT));
        assertInstanceOf(RoomMoving.class, refused);
        assertEquals("cluster-unavailable", refused.code());
        assertEquals(0, b.roomCount());
    }

    private RoomService node(String id) {
        RoomService node = RoomServiceTest.configured(10, Clock.fixed(t0, ZoneOffset.UTC));
        node.secret = Optional.of("the cluster's secret");
        node.grid = new SharedPlacement(id);
        node.start();
        nodes.put(id, node);
        return node;
    }

    @Test
    void aDrainingNodeHandsItsRoomsOverAndHasNewOnesMadeElsewhere() {
        String room = a.create().id();
        TokenBox alice = new TokenBox();
        String aliceId = a.join(room, "Alice", alice).participant().id();
        String unused = a.create().id();

        assertEquals(1, a.drain(), "the room with someone in it");
        assertTrue(alice.moved, "Alice's socket is ended so her page reconnects");
        assertEquals(1, a.roomCount(), "an empty room has no page to rebuild it elsewhere: it stays until used or expired");
        assertTrue(claims.entry(room).orElseThrow().released(), "released for whoever takes it over");
        assertEquals("a", claims.entry(unused).orElseThrow().owner());
        RoomException refused = assertThrows(RoomException.class, () -> a.resume(room, alice.token, RoomServiceTest.SILENT));
        assertInstanceOf(RoomMoving.class, refused, "a draining node takes nothing over: the page goes on to another");
        assertEquals("node-draining", refused.code());
        assertEquals(aliceId, c.resume(room, alice.token, RoomServiceTest.SILENT).participant().id(), "rebuilt on c, same id");

        String made = a.create().id();
        assertEquals(1, a.roomCount(), "a draining node makes no room itself");
        assertEquals(1, b.roomCount(), "b, the serving node with the fewest rooms, made it");
        assertTrue(b.find(made).isPresent());
        assertEquals("b", claims.entry(made).orElseThrow().owner());

        TokenBox bob = new TokenBox();
        a.join(unused, "Bob", bob);
        a.tick();
        assertTrue(bob.moved, "once someone is in it, the next clock tick hands it over too");
        assertEquals(0, a.roomCount());

        a.serve();
        assertEquals("a", claims.entry(a.create().id()).orElseThrow().owner(), "after the drain is called off, a makes rooms again");
    }

    /** One node's view of the shared claims: the grid's logic, on maps every "node" of this test shares. */
    private final class SharedPlacement implements RoomPlacement {
        private final String node;
        volatile boolean joined = true;

        SharedPlacement(String node) {
            this.node = node;
        }

        @Override
        public boolean clustered() {
            return true;
        }

        @Override
        public String nodeId() {
            return node;
        }

        @Override
        public Optional<RoomEntry> claim(String roomId, String mediaServer, String mode) {
            if (!joined) {
                throw new IllegalStateException("not joined to the cluster yet");
            }
            return claims.claim(roomId, node, mediaServer, mode, () -> Set.copyOf(live));
        }

        @Override
        public void forget(String roomId) {
            claims.forget(roomId, node);
        }

        @Override
        public Optional<String> ownerElsewhere(String roomId) {
            return claims.entry(roomId).flatMap(e -> e.liveOwnerOtherThan(node, Set.copyOf(live)));
        }

        @Override
        public Optional<RoomEntry> entry(String roomId) {
            return claims.entry(roomId);
        }

        @Override
        public boolean liveInstance(String instance) {
            return live.contains(instance);
        }

        @Override
        public boolean moving(String roomId) {
            return claims.entry(roomId).filter(e -> e.orphaned(Set.copyOf(live))).isPresent();
        }

        @Override
        public Optional<String> ask(String owner, String roomId, Duration wait) {
            return answerers.get(owner).apply(roomId);
        }

        @Override
        public void answerWith(Function<String, Optional<String>> roomAnswerer) {
            answerers.put(node, roomAnswerer);
        }

        @Override
        public void createWith(java.util.function.BiFunction<Optional<String>, Boolean, Optional<String>> roomCreator) {
            creators.put(node, roomCreator);
        }

        @Override
        public boolean draining() {
            return draining.contains(node);
        }

        @Override
        public void drain(boolean drain) {
            if (drain) {
                draining.add(node);
            } else {
                draining.remove(node);
            }
        }

        @Override
        public boolean release(String roomId) {
            return claims.release(roomId, node, Instant.now());
        }

        @Override
        public Optional<String> servingNode() {
            return live.stream().filter(other -> !other.equals(node) && !draining.contains(other))
                    .min(java.util.Comparator.comparingInt((String other) -> nodes.get(other).roomCount()).thenComparing(other -> other));
        }

        @Override
        public Optional<String> createOn(String other, Optional<String> passcode, boolean membersOnly, Duration wait) {
            return creators.get(other).apply(passcode, membersOnly);
        }
    }
}
