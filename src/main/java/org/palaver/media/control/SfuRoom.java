package org.palaver.media.control;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.kurento.client.Continuation;
import org.kurento.client.KurentoClient;
import org.kurento.client.MediaPipeline;
import org.kurento.client.MediaType;
import org.kurento.client.WebRtcEndpoint;
import org.palaver.protocol.IceCandidate;
import org.palaver.protocol.ServerMessage;

/**
 * One Kurento room: its pipeline, one publishing endpoint per participant's camera (and shared
 * screen), and for each viewer a fixed set of receiving endpoints: one for the room's sound
 * ({@link #MIX}: everyone but themselves, see {@link Voices}) and at most {@code n} video slots
 * ({@code ~slot0}...), each re-pointed on the media server to the camera {@link LastN} gives it,
 * without a new negotiation: endpoints grow as n + 2 per viewer, not with the room. A shared
 * screen (one per room) keeps a receiving endpoint per viewer of its own; a recording is
 * {@link RoomRecording}'s. Every method runs on the room's {@link SerialQueue} only, so the
 * fields need no lock, and no Kurento call ever runs while the room's lock is held.
 *
 * <p>The slow part of a negotiation, the media server processing an offer, runs asynchronously:
 * the queue goes on with the room's other connections meanwhile, and the answer comes back onto
 * the queue ({@code later}) to be delivered. Candidates for an endpoint whose offer is still being
 * processed wait, as do those for an endpoint not made yet.
 *
 * <p>Objects belong to the media server session of the client that made them. When that session
 * is gone (the media server restarted, or the connection to it was lost) they are gone too: they
 * are forgotten, never released, and the room starts over on the new session.
 */
public final class SfuRoom {

    private static final Logger LOG = Logger.getLogger(SfuRoom.class.getName());
    /**
     * Early candidates kept per participant, over all their connections, while the endpoints do
     * not exist yet: a browser gathers a handful per connection, so these bounds are generous, and
     * they keep a participant who invents streams from filling the heap.
     */
    static final int PENDING_LIMIT = 64;
    static final int PENDING_BYTES_LIMIT = 32 * 1024;

    /** The people of the room, as the media side may reach them. */
    public interface People {
        void deliver(String participantId, ServerMessage message);

        void deliverToAll(ServerMessage message);

        boolean isPresent(String participantId);

        boolean isEmpty();

        /** Recording stopped without a host stopping it (the media server refused to record). */
        default void recordingStopped() {
        }
    }

    /** Where recordings go: a new part's id and {@code file://} URI, and its end. */
    public interface RecordingParts {
        /** A new part of {@code roomId}'s recording, starting now. */
        Part start(String roomId);

        void ended(String partId);

        record Part(String id, String uri) {
        }
    }

    /** The stream of a participant's shared screen; their camera's stream is their id. */
    public static final String SCREEN_SUFFIX = "~screen";
    /** A viewer's connection carrying the room's audio: everyone's voice but their own. */
    public static final String MIX = "~mix";
    /** A viewer's video slot {@code ~slot<i>}, {@code i} from 0 to n - 1: whichever camera the server puts in it. */
    public static final String SLOT = "~slot";

    /** Whose stream it is: the participant id without a screen suffix. */
    static String ownerOf(String stream) {
        return stream.endsWith(SCREEN_SUFFIX) ? stream.substring(0, stream.length() - SCREEN_SUFFIX.length()) : stream;
    }

    /** One browser connection to the media server: {@code owner}'s connection carrying {@code stream}. */
    record Link(String owner, String stream) {
        boolean publishing() {
            return owner.equals(ownerOf(stream));
        }
    }

    private final String roomId;
    private final People people;
    private final Supplier<KurentoClient> clients;
    private final Supplier<Map<String, String>> tags;
    private KurentoClient session;
    private MediaPipeline pipeline;
    /** The pipeline's id, for the orphan sweep on the load thread (which must not touch the rest). */
    private volatile String pipelineId;
    private final Map<String, WebRtcEndpoint> publishers = new HashMap<>();
    private final Map<Link, WebRtcEndpoint> receivers = new HashMap<>();
    private final Map<Link, List<IceCandidate>> pending = new HashMap<>();
    /** Endpoints whose offer the media server has answered: candidates go straight to them. */
    private final Set<WebRtcEndpoint> answered = new HashSet<>();
    /** Tries of a slot's connect before the slot is left empty (a failure is rare: a busy media server). */
    static final int SLOT_CONNECT_ATTEMPTS = 3;
    private final Executor later;
    /** The offers the current media server session may be processing at once, over all its rooms. */
    private final Supplier<OfferGate> offers;
    private final RoomRecording recording;
    /** Whose cameras each viewer's slots carry. */
    private final LastN lastN;
    /** The room's sound, mixed on the media server. */
    private final Voices voices = new Voices(this::pipeline, this::release,
            () -> logFailure("adding a voice to the mix", Level.WARNING), () -> logFailure("taking a voice out of the mix", Level.FINE));
    /** Who speaks now, as the pages say; everyone is told who the speaker is. */
    private final Speakers speakers = new Speakers();

    /**
     * {@code clients}: the session of the media server the room is on now; {@code tags}: what its
     * pipeline is tagged with (so a sweep can tell orphans); {@code later}: runs a step on this
     * room's queue, after those already waiting.
     */
    public SfuRoom(String roomId, People people, Supplier<KurentoClient> clients, Supplier<Map<String, String>> tags,
                   Executor later) {
        this(roomId, people, clients, tags, later, null, DEFAULT_LAST_N, gateOfItsOwn());
    }

    private static Supplier<OfferGate> gateOfItsOwn() {
        OfferGate gate = new OfferGate(OfferGate.DEFAULT_LIMIT);
        return () -> gate;
    }

    /** The number of cameras a viewer receives unless configured otherwise. */
    public static final int DEFAULT_LAST_N = 9;

    /**
     * {@code parts}: where recordings go, or null when recording is off; {@code lastN}: cameras per
     * viewer; {@code offers}: the gate of the media server session {@code clients} gives now.
     */
    public SfuRoom(String roomId, People people, Supplier<KurentoClient> clients, Supplier<Map<String, String>> tags,
                   Executor later, RecordingParts parts, int lastN, Supplier<OfferGate> offers) {
        this.lastN = new LastN(lastN);
        this.recording = new RoomRecording(roomId, parts, people::recordingStopped, this::release, this::logFailure);
        this.roomId = roomId;
        this.people = people;
        this.clients = clients;
        this.tags = tags;
        this.later = later;
        this.offers = offers;
    }

    public String roomId() {
        return roomId;
    }

    /** The id of the pipeline this room uses now, or null while it has none. */
    public String pipelineId() {
        return pipelineId;
    }

    /** Someone joined: make sure the pipeline exists, so their publish finds it ready, and give them their slots. */
    public void joined(String participantId) {
        run(participantId, () -> {
            pipeline();
            watching(participantId);
        });
    }

    /** A viewer the slots know of (someone already in a room that moved here may not be yet). */
    private void watching(String viewer) {
        if (lastN.slotsOf(viewer) == null) {
            lastN.viewer(viewer);
            if (!reassign().contains(viewer)) {
                people.deliver(viewer, new ServerMessage.Slots(lastN.slotsOf(viewer))); // told even with nothing to show
            }
        }
    }

    /**
     * The participant is back on a new socket: what was sent while it was down may be lost (held
     * messages are bounded), so they get their slots and the speaker again.
     */
    public void resumed(String participantId) {
        run(participantId, () -> {
            if (lastN.slotsOf(participantId) != null) {
                people.deliver(participantId, new ServerMessage.Slots(lastN.slotsOf(participantId)));
            }
            people.deliver(participantId, new ServerMessage.Speaker(speakers.speaker()));
        });
    }

    /** The participant's camera was switched on or off: one that is off gives its slots to the next camera. */
    public void camera(String participantId, boolean on) {
        run(participantId, () -> {
            if (lastN.camera(participantId, on)) {
                reassign();
            }
        });
    }

    /** The participant's microphone was muted or unmuted: their voice leaves or joins the mix. */
    public void audible(String participantId, boolean on) {
        run(participantId, () -> voices.audible(participantId, on, publishers.get(participantId)));
    }

    /** The participant started or stopped speaking: the latest speakers' cameras are the ones shown. */
    public void speaking(String participantId, boolean on) {
        run(participantId, () -> {
            boolean speaks = on && people.isPresent(participantId);
            if (speaks && lastN.spoke(participantId)) {
                reassign();
            }
            tellSpeaker(speakers.speaking(participantId, speaks));
        });
    }

    /** The viewer pinned a camera (or none): it keeps a slot of theirs whoever speaks. */
    public void pinned(String viewer, String pinnedId) {
        run(viewer, () -> {
            if (lastN.pin(viewer, pinnedId != null && people.isPresent(pinnedId) ? pinnedId : null)) {
                reassign();
            }
        });
    }

    /** Tells everyone who the speaker is now, when it changed. */
    private void tellSpeaker(boolean changed) {
        if (changed) {
            people.deliverToAll(new ServerMessage.Speaker(speakers.speaker()));
        }
    }

    /** Applies what changed in everyone's slots on the media server and tells each viewer concerned; returns who was told. */
    private Set<String> reassign() {
        Set<String> told = new LinkedHashSet<>();
        for (LastN.Change change : lastN.assign()) {
            repoint(change);
            told.add(change.viewer());
        }
        told.forEach(viewer -> people.deliver(viewer, new ServerMessage.Slots(lastN.slotsOf(viewer))));
        return told;
    }

    /**
     * Moves a slot from one camera to another. Connecting a new source replaces the slot's current
     * one on the media server, so a switch is one call; a disconnect is only for a slot left empty,
     * and only of the camera it shows now (on Kurento 7.3, disconnecting a source that was already
     * replaced cuts the slot's video input for good).
     */
    private void repoint(LastN.Change change) {
        WebRtcEndpoint slot = receivers.get(new Link(change.viewer(), SLOT + change.slot()));
        WebRtcEndpoint from = publishers.get(change.from()); // the maps take a null key: no camera
        if (slot == null) {
            return;
        }
        if (publishers.get(change.to()) != null) {
            show(change.viewer(), change.slot());
        } else if (from != null) {
            from.disconnect(slot, MediaType.VIDEO, logFailure("emptying a slot", Level.FINE));
        }
    }

    /**
     * Connects the camera the viewer's slot is to show ({@link LastN}'s) to it, then has the slot's
     * endpoint ask for a keyframe, which the media server passes up to the camera's browser, so
     * the slot shows it at once. Asked of the slot, not of the camera's endpoint: the media server
     * takes the request only from an endpoint that sends, and refuses it from one that receives.
     */
    private void show(String viewer, int slot) {
        show(viewer, slot, SLOT_CONNECT_ATTEMPTS);
    }

    /**
     * A failed connect would leave the viewer a placeholder for someone they should see: it is
     * tried again, on the room's queue, while that slot and camera are still the ones to connect.
     */
    private void show(String viewer, int slot, int attempts) {
        WebRtcEndpoint endpoint = receivers.get(new Link(viewer, SLOT + slot));
        WebRtcEndpoint camera = publishers.get(lastN.shownIn(viewer, slot));
        if (camera == null || endpoint == null) {
            return;
        }
        camera.connect(endpoint, MediaType.VIDEO, new Continuation<>() {
            @Override
            public void onSuccess(Void nothing) {
                endpoint.requestKeyframe(logFailure("asking for a keyframe", Level.FINE));
            }

            @Override
            public void onError(Throwable cause) {
                later.execute(() -> {
                    if (receivers.get(new Link(viewer, SLOT + slot)) != endpoint || publishers.get(lastN.shownIn(viewer, slot)) != camera) {
                        return; // re-pointed, emptied or released meanwhile
                    }
                    if (attempts > 1) {
                        LOG.log(Level.FINE, "connecting a slot failed in room " + roomId + "; trying again", cause);
                        show(viewer, slot, attempts - 1);
                    } else {
                        LOG.log(Level.WARNING, "connecting a slot failed in room " + roomId + " " + SLOT_CONNECT_ATTEMPTS
                                + " times; the viewer sees a placeholder until the slot is re-pointed", cause);
                    }
                });
            }
        });
    }

    /** The slot a stream names ({@code ~slot3}: 3), or -1 when it names none of this room's slots. */
    private int slotOf(String stream) {
        if (!stream.startsWith(SLOT) || stream.length() > SLOT.length() + 3) {
            return -1;
        }
        try {
            int slot = Integer.parseInt(stream.substring(SLOT.length()));
            return slot >= 0 && slot < lastN.n() && stream.equals(SLOT + slot) ? slot : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Publishes the participant's camera ({@code screen} false) or shared screen. */
    public void publish(String participantId, String offer, boolean screen) {
        run(participantId, () -> {
            if (!people.isPresent(participantId)) {
                return; // left while this waited: nothing of theirs is made again
            }
            String stream = screen ? participantId + SCREEN_SUFFIX : participantId;
            Link link = new Link(participantId, stream);
            WebRtcEndpoint endpoint = negotiate(link, offer);
            WebRtcEndpoint old = publishers.put(stream, endpoint);
            release(old);
            recording.published(stream, endpoint);
            if (screen) {
                for (Map.Entry<Link, WebRtcEndpoint> receiver : receivers.entrySet()) {
                    if (receiver.getKey().stream().equals(stream)) {
                        endpoint.connect(receiver.getValue(), logFailure("connecting a viewer", Level.WARNING));
                    }
                }
                return;
            }
            voices.published(participantId, endpoint);
            watching(participantId);
            // Published again (a new connection): the slots that showed the old one show this one.
            lastN.showing(participantId).forEach(this::show);
            lastN.published(participantId);
            reassign();
        }, OFFER_FAILED);
    }

    public void subscribe(String viewer, String stream, String offer) {
        run(viewer, () -> {
            if (!people.isPresent(viewer)) {
                return; // left while this waited: no slot, mix or port is made for them again
            }
            int slot = slotOf(stream);
            if (slot >= 0 || stream.equals(MIX)) {
                Link link = new Link(viewer, stream);
                WebRtcEndpoint endpoint = negotiate(link, offer);
                release(receivers.put(link, endpoint));
                watching(viewer);
                if (slot >= 0) {
                    show(viewer, slot);
                } else {
                    voices.listen(viewer, endpoint);
                }
                return;
            }
            if (!stream.endsWith(SCREEN_SUFFIX) || stream.startsWith("~")) {
                people.deliver(viewer, new ServerMessage.Error("unknown-stream", "There is no stream '" + stream
                        + "' to subscribe to: cameras come in " + SLOT + "0 to " + SLOT + (lastN.n() - 1)
                        + ", the sound in " + MIX + ", a shared screen as <id>" + SCREEN_SUFFIX + "."));
                return;
            }
            if (viewer.equals(ownerOf(stream)) || !people.isPresent(ownerOf(stream))) {
                people.deliver(viewer, new ServerMessage.Error("unknown-participant",
                        "There is no other participant '" + stream + "' in this room to subscribe to."));
                return;
            }
            Link link = new Link(viewer, stream);
            WebRtcEndpoint endpoint = negotiate(link, offer);
            release(receivers.put(link, endpoint));
            WebRtcEndpoint publisher = publishers.get(stream);
            if (publisher != null) {
                publisher.connect(endpoint, logFailure("connecting a viewer", Level.WARNING));
            }
        }, OFFER_FAILED);
    }

    public void candidate(String owner, String stream, IceCandidate candidate) {
        if (candidate.candidate().isEmpty()) {
            return; // end of candidates: Kurento needs no word of it
        }
        run(owner, () -> {
            Link link = new Link(owner, stream);
            WebRtcEndpoint endpoint = current(link);
            if (endpoint != null && answered.contains(endpoint)) {
                endpoint.addIceCandidate(toKurento(candidate), logFailure("adding a candidate", Level.FINE));
            } else if (!possible(link)) {
                people.deliver(owner, new ServerMessage.Error("unknown-stream",
                        "There is no stream '" + stream + "' in this room for that candidate."));
            } else if (fitsPending(owner, candidate)) {
                // The offer that creates the endpoint may still be on its way: keep, don't drop.
                pending.computeIfAbsent(link, k -> new ArrayList<>()).add(candidate);
            }
            // Beyond the bounds a candidate is dropped: ICE gets by on the others, or restarts.
        });
    }

    /** A stream this participant can have a connection for: their own camera or screen, or another present participant's. */
    private boolean possible(Link link) {
        if (slotOf(link.stream()) >= 0 || link.stream().equals(MIX)) {
            return true;
        }
        String publisher = ownerOf(link.stream());
        boolean wellFormed = link.stream().equals(publisher) || link.stream().equals(publisher + SCREEN_SUFFIX);
        // another's camera comes in a slot, never on a connection of its own: only their screen
        return wellFormed && (link.publishing() || link.stream().endsWith(SCREEN_SUFFIX) && people.isPresent(publisher));
    }

    /** Whether one more early candidate of this participant stays within the count and byte bounds. */
    private boolean fitsPending(String owner, IceCandidate candidate) {
        List<IceCandidate> kept = pending.entrySet().stream().filter(e -> e.getKey().owner().equals(owner))
                .flatMap(e -> e.getValue().stream()).toList();
        return kept.size() < PENDING_LIMIT
                && kept.stream().mapToInt(SfuRoom::size).sum() + size(candidate) <= PENDING_BYTES_LIMIT;
    }

    /** Roughly what a candidate holds in memory (chars count once: the bound is on what a client sends). */
    private static int size(IceCandidate c) {
        return c.candidate().length() + (c.sdpMid() == null ? 0 : c.sdpMid().length())
                + (c.usernameFragment() == null ? 0 : c.usernameFragment().length());
    }

    /** Candidates kept for endpoints that do not exist yet, over all connections. */
    int pendingCount() {
        return pending.values().stream().mapToInt(List::size).sum();
    }

    /** Releases what the participant published and watched, and what others watched of it. */
    public void left(String participantId, boolean roomNowEmpty) {
        run(participantId, () -> {
            lastN.gone(participantId);
            tellSpeaker(speakers.speaking(participantId, false));
            if (session != clients.get()) {
                forget();
                return;
            }
            release(publishers.remove(participantId));
            release(publishers.remove(participantId + SCREEN_SUFFIX));
            recording.unpublished(participantId);
            recording.unpublished(participantId + SCREEN_SUFFIX);
            releaseReceivers(link -> link.owner().equals(participantId) || ownerOf(link.stream()).equals(participantId));
            voices.gone(participantId);
            reassign(); // their cameras' slots go to the next in line
            if (roomNowEmpty) {
                recording.end(); // the last one left: the recording ends with the room's media
                releasePipeline();
            }
        });
    }

    /** The participant stopped sharing a screen: release its publisher and everyone's receivers of it. */
    public void screenEnded(String participantId) {
        String stream = participantId + SCREEN_SUFFIX;
        run(participantId, () -> {
            if (session != clients.get()) {
                forget();
                return;
            }
            release(publishers.remove(stream));
            recording.unpublished(stream);
            releaseReceivers(link -> link.stream().equals(stream));
        });
    }

    /**
     * A host ({@code by}) starts or stops recording. Starting makes a part now if the pipeline
     * exists (it does while anyone is in the room); stopping finishes the part's file first.
     */
    public void recording(boolean on, String by) {
        run(by, () -> {
            if (session != clients.get()) {
                forget();
            }
            recording.want(on, this::pipeline, publishers);
        });
    }

    /** Releases the receiving endpoints of the matching connections and forgets their early candidates. */
    private void releaseReceivers(Predicate<Link> matching) {
        for (Iterator<Map.Entry<Link, WebRtcEndpoint>> it = receivers.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Link, WebRtcEndpoint> receiver = it.next();
            if (matching.test(receiver.getKey())) {
                release(receiver.getValue());
                it.remove();
            }
        }
        pending.keySet().removeIf(matching);
    }

    /** The room is gone: release everything it still holds (a recording is finished first). */
    public void closed() {
        if (session == clients.get()) {
            recording.end();
            releasePipeline();
        }
        forget();
    }

    /** The media server session is lost: whatever it held is gone with it. */
    public void interrupted() {
        forget();
        people.deliverToAll(new ServerMessage.MediaInterrupted());
    }

    /**
     * A new media server session is up, or the room moved to another media server: rebuild the
     * pipeline and have every browser negotiate anew. What the room held on a server that is still
     * up (its session was lost, not the server) is left to the orphan sweep.
     */
    public void restart() {
        forget();
        if (people.isEmpty()) {
            return; // the first join makes the pipeline
        }
        try {
            recording.resume(pipeline(), publishers);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not rebuild the media pipeline of room " + roomId, e);
            if (pipeline == null) {
                return;
            }
        }
        people.deliverToAll(new ServerMessage.SfuRestart());
    }

    /**
     * Makes the link's endpoint and hands its offer to the media server, at once or, while the
     * session has {@link OfferGate#DEFAULT_LIMIT} offers there, once one of them is answered; the
     * answer comes back in {@link #answer}.
     */
    private WebRtcEndpoint negotiate(Link link, String offer) {
        WebRtcEndpoint endpoint = new WebRtcEndpoint.Builder(pipeline()).build();
        try {
            endpoint.addIceCandidateFoundListener(event -> people.deliver(link.owner(),
                    new ServerMessage.SfuCandidate(link.stream(), fromKurento(event.getCandidate()))));
        } catch (RuntimeException e) {
            release(endpoint);
            throw e;
        }
        OfferGate gate = offers.get();
        Runnable afterWaiting = () -> later.execute(() -> {
            if (current(link) != endpoint) {
                gate.leave(); // replaced or released while it waited
                return;
            }
            try {
                processOffer(link, endpoint, offer, gate);
            } catch (RuntimeException e) { // the session went while it waited
                refused(link, endpoint, e);
            }
        });
        if (gate.enter(afterWaiting)) {
            try {
                processOffer(link, endpoint, offer, gate);
            } catch (RuntimeException e) {
                release(endpoint);
                throw e;
            }
        }
        return endpoint;
    }

    /**
     * Sends the offer through its place at the gate, which it gives up once the media server has
     * answered, or at once when the call cannot even be made (then it throws).
     */
    private void processOffer(Link link, WebRtcEndpoint endpoint, String offer, OfferGate gate) {
        try {
            endpoint.processOffer(offer, new Continuation<String>() {
                @Override
                public void onSuccess(String sdp) {
                    gate.leave();
                    later.execute(() -> answer(link, endpoint, sdp));
                }

                @Override
                public void onError(Throwable cause) {
                    gate.leave();
                    later.execute(() -> refused(link, endpoint, cause));
                }
            });
        } catch (RuntimeException e) {
            gate.leave();
            throw e;
        }
    }

    /** The media server answered: tell the browser, apply its early candidates, gather ours. */
    private void answer(Link link, WebRtcEndpoint endpoint, String sdp) {
        if (current(link) != endpoint) {
            return; // replaced or released meanwhile
        }
        run(link.owner(), () -> {
            answered.add(endpoint);
            people.deliver(link.owner(), new ServerMessage.SfuAnswer(link.stream(), sdp));
            // Not waited for, one after the other: each is a round trip to the media server, and
            // ICE starts as soon as both sides have candidates.
            endpoint.gatherCandidates(logFailure("gathering candidates", Level.FINE));
            List<IceCandidate> early = pending.remove(link);
            if (early != null) {
                early.forEach(c -> endpoint.addIceCandidate(toKurento(c), logFailure("adding a candidate", Level.FINE)));
            }
        });
    }

    /**
     * For media server calls not waited for. A failed candidate or gathering shows in ICE failing,
     * and the page restarts that connection; a failed connect leaves a viewer without video: logged.
     */
    private Continuation<Void> logFailure(String what, Level level) {
        return new Continuation<>() {
            @Override
            public void onSuccess(Void nothing) {
            }

            @Override
            public void onError(Throwable cause) {
                LOG.log(level, what + " failed in room " + roomId, cause);
            }
        };
    }

    /** The media server refused the offer: forget the endpoint and tell the browser. */
    private void refused(Link link, WebRtcEndpoint endpoint, Throwable cause) {
        if (current(link) != endpoint) {
            return;
        }
        LOG.log(Level.WARNING, "the media server refused an offer in room " + roomId, cause);
        if (link.publishing()) {
            publishers.remove(link.stream());
        } else {
            receivers.remove(link);
        }
        release(endpoint);
        people.deliver(link.owner(), new ServerMessage.Error("media-failed", OFFER_FAILED));
    }

    private WebRtcEndpoint current(Link link) {
        return link.publishing() ? publishers.get(link.stream()) : receivers.get(link);
    }

    private MediaPipeline pipeline() {
        KurentoClient current = clients.get();
        if (current == null) {
            throw new MediaUnavailable();
        }
        if (session != current) {
            forget(); // made on a session that is gone
        }
        if (pipeline == null) {
            pipeline = current.createMediaPipeline();
            pipelineId = pipeline.getId();
            session = current;
            tags.get().forEach((key, value) -> pipeline.addTag(key, value, logFailure("tagging the pipeline", Level.FINE)));
        }
        return pipeline;
    }

    /** What a participant is told when the media server failed an offer: the page makes it again by itself (sfu.js). */
    private static final String OFFER_FAILED = "The media server could not set up a stream just now; it is tried again shortly.";
    /** ... and when it failed any other step. */
    private static final String STEP_FAILED = "The media server could not do that just now; try again.";

    /** Runs a step for one participant; a failure is told to that participant, never thrown. */
    private void run(String participantId, Runnable step) {
        run(participantId, step, STEP_FAILED);
    }

    private void run(String participantId, Runnable step, String failed) {
        try {
            step.run();
        } catch (MediaUnavailable e) {
            people.deliver(participantId, new ServerMessage.Error("media-unavailable",
                    "The media server is not reachable right now; the call continues when it is back."));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "media server call failed in room " + roomId, e);
            people.deliver(participantId, new ServerMessage.Error("media-failed", failed));
        }
    }

    private void releasePipeline() {
        if (pipeline != null) {
            release(pipeline); // releases its endpoints with it
        }
        forget();
    }

    private void forget() {
        recording.forget(); // its media server session is gone: so is the recorder, the file stays
        pipeline = null;
        pipelineId = null;
        session = null;
        voices.forget();
        lastN.clear(); // cameras are published anew; viewers keep their (now empty) slots
        publishers.clear();
        receivers.clear();
        pending.clear();
        answered.clear();
    }

    private void release(org.kurento.client.MediaObject object) {
        if (object == null) {
            return;
        }
        answered.remove(object);
        try {
            object.release();
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "release failed (the media server may have dropped it already)", e);
        }
    }

    private static org.kurento.client.IceCandidate toKurento(IceCandidate c) {
        return new org.kurento.client.IceCandidate(c.candidate(), c.sdpMid() == null ? "" : c.sdpMid(),
                c.sdpMLineIndex() == null ? 0 : c.sdpMLineIndex());
    }

    private static IceCandidate fromKurento(org.kurento.client.IceCandidate c) {
        return new IceCandidate(c.getCandidate(), c.getSdpMid(), c.getSdpMLineIndex(), null);
    }

    /** No media server session right now. */
    static final class MediaUnavailable extends RuntimeException {
        MediaUnavailable() {
            super("no media server session", null, false, false);
        }
    }
}
