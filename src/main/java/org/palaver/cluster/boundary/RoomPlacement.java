package org.palaver.cluster.boundary;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import org.palaver.cluster.control.Requests;
import org.palaver.cluster.entity.RoomEntry;

/**
 * Which node holds which room, as the rooms see it: {@link Grid} on a cluster node; unit tests
 * give the rooms of several "nodes" one shared map instead. A single node never calls anything
 * here but {@link #clustered()}.
 */
public interface RoomPlacement {

    /** Whether this node is one of several ({@code palaver.cluster.members} set). */
    boolean clustered();

    /** This node's id, once joined. */
    String nodeId();

    /**
     * Claims {@code roomId} for this node unless a live node owns it: a new room, or one whose
     * owner left. Returns the entry that holds now (this node's or another's), or empty for a room
     * that ended, which never comes back. Throws when this node is not in the cluster yet.
     */
    Optional<RoomEntry> claim(String roomId, String mediaServer, String mode);

    /**
     * Whether a node of process {@code instance} is in the cluster (as its registry listed at the
     * last heartbeat): a process that is not made its pipelines for rooms other nodes rebuilt.
     */
    boolean liveInstance(String instance);

    /** Where {@code roomId} lives, or lived until its node left: empty when no node holds it or it ended. */
    Optional<RoomEntry> entry(String roomId);

    /** A room of this node ended: its entry goes, and it is remembered as ended. */
    void forget(String roomId);

    /** The live node other than this one that owns {@code roomId}, if any. */
    Optional<String> ownerElsewhere(String roomId);

    /** Whether {@code roomId} lost its owner and nobody took it over yet: its pages are coming back. */
    boolean moving(String roomId);

    /** Asks {@code node} what it knows of {@code roomId} (the answerer's text), waiting at most {@code wait}. */
    Optional<String> ask(String node, String roomId, Duration wait) throws Requests.NoAnswer, InterruptedException;

    /** Who answers other nodes' questions about a room of this node's. */
    void answerWith(Function<String, Optional<String>> roomAnswerer);

    /** Who makes a room on this node when a draining node asks (its passcode and members-only flag to the new room's JSON). */
    void createWith(java.util.function.BiFunction<Optional<String>, Boolean, Optional<String>> roomCreator);

    /** Whether this node drains: it takes no new rooms and gives its own up. */
    boolean draining();

    /** Takes no new rooms from now on, or again (false). */
    void drain(boolean drain);

    /** Gives a room of this node up for another node to take over; false when it was not this node's. */
    boolean release(String roomId);

    /** The live node, other than this one, that takes new rooms and holds the fewest. */
    Optional<String> servingNode();

    /** Asks {@code node} to make a room; its JSON, or empty when it could not. */
    Optional<String> createOn(String node, Optional<String> passcode, boolean membersOnly, Duration wait)
            throws Requests.NoAnswer, InterruptedException;
}
