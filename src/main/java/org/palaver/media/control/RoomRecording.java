package org.palaver.media.control;

import java.util.HashMap;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.kurento.client.Composite;
import org.kurento.client.Continuation;
import org.kurento.client.HubPort;
import org.kurento.client.MediaObject;
import org.kurento.client.MediaPipeline;
import org.kurento.client.MediaProfileSpecType;
import org.kurento.client.RecorderEndpoint;
import org.kurento.client.WebRtcEndpoint;

/**
 * A Kurento room's recording, one part per pipeline: a {@link Composite} with a hub port per
 * published stream, and a {@link RecorderEndpoint} writing WebM fed by a port of its own, whose
 * output is everyone's mix. A host wanting it recorded outlives the pipeline: a rebuilt one
 * starts a new part. Used by {@link SfuRoom} on its queue only.
 */
final class RoomRecording {

    private static final Logger LOG = Logger.getLogger(RoomRecording.class.getName());

    private final String roomId;
    private final SfuRoom.RecordingParts parts;
    private final Runnable stoppedByServer;
    private final Consumer<MediaObject> release;
    private final BiFunction<String, Level, Continuation<Void>> log;
    /** A host wants the room recorded: a part is written while the pipeline lives, a new one after it is rebuilt. */
    private boolean wanted;
    private Recorder recorder;

    private record Recorder(String partId, Composite mix, HubPort out, RecorderEndpoint file, Map<String, HubPort> in) {
    }

    /**
     * {@code parts}: where recordings go, or null when recording is off; {@code stoppedByServer}:
     * tells the room recording stopped without a host stopping it; {@code log}: what reports a
     * failed call not waited for.
     */
    RoomRecording(String roomId, SfuRoom.RecordingParts parts, Runnable stoppedByServer, Consumer<MediaObject> release,
                  BiFunction<String, Level, Continuation<Void>> log) {
        this.roomId = roomId;
        this.parts = parts;
        this.stoppedByServer = stoppedByServer;
        this.release = release;
        this.log = log;
    }

    /** A host starts (a part now, on {@code pipeline}, of the {@code published} streams) or stops (the part's file is finished). */
    void want(boolean on, java.util.function.Supplier<MediaPipeline> pipeline, Map<String, WebRtcEndpoint> published) {
        if (on && parts == null) {
            throw new IllegalStateException("recording is off");
        }
        wanted = on; // before the pipeline is asked for: a media server away now gets a part when it is back
        if (on && recorder == null) {
            start(pipeline.get(), published);
        } else if (!on) {
            stop();
        }
    }

    /** A stream (re)published: it joins the part being written. */
    void published(String stream, WebRtcEndpoint publisher) {
        if (recorder != null) {
            release.accept(recorder.in().remove(stream));
            add(stream, publisher);
        }
    }

    /** A stream gone: it leaves the part being written. */
    void unpublished(String stream) {
        if (recorder != null) {
            release.accept(recorder.in().remove(stream));
        }
    }

    /** The room's media ends (the last one left, or the room closed): the part is finished, and recording is no longer wanted. */
    void end() {
        wanted = false;
        stop();
    }

    /** The pipeline was rebuilt on a new session: a new part when a host wants it (the lost server's file keeps what it got). */
    void resume(MediaPipeline pipeline, Map<String, WebRtcEndpoint> published) {
        if (wanted) {
            start(pipeline, published);
        }
    }

    /** The media server session is gone, and the recorder with it: the part ends there; the file stays. */
    void forget() {
        if (recorder != null) {
            parts.ended(recorder.partId());
            recorder = null;
        }
    }

    /** A new part: the mix of everyone published now (later ones join it through {@link #published}) into a WebM file. */
    private void start(MediaPipeline pipeline, Map<String, WebRtcEndpoint> published) {
        if (parts == null) {
            throw new IllegalStateException("recording is off");
        }
        long asked = System.nanoTime();
        SfuRoom.RecordingParts.Part part = parts.start(roomId);
        Composite mix = new Composite.Builder(pipeline).build();
        HubPort out = null;
        RecorderEndpoint file = null;
        try {
            out = new HubPort.Builder(mix).build();
            file = new RecorderEndpoint.Builder(pipeline, part.uri()).withMediaProfile(MediaProfileSpecType.WEBM).build();
            out.connect(file);
            recorder = new Recorder(part.id(), mix, out, file, new HashMap<>());
            // Writing starts before the streams are added: the file begins as close to the host's
            // word as the media server allows, and people appear in it as their ports connect.
            file.record();
            published.forEach(this::add);
            long setUp = (System.nanoTime() - asked) / 1_000_000;
            LOG.info(() -> "room " + roomId + ": recording part " + part.id() + " (mix set up in " + setUp + " ms)");
        } catch (RuntimeException e) {
            recorder = null;
            wanted = false;
            release.accept(file);
            release.accept(out);
            release.accept(mix);
            parts.ended(part.id());
            stoppedByServer.run();
            throw e;
        }
    }

    private void add(String stream, WebRtcEndpoint publisher) {
        HubPort port = new HubPort.Builder(recorder.mix()).build();
        recorder.in().put(stream, port);
        // No keyframe request here: the media server refuses one asked of a publisher (it is only
        // for endpoints that send), and a new link drops video until a keyframe and asks for one itself.
        publisher.connect(port, log.apply("adding a stream to the recording", Level.WARNING));
    }

    /** Finishes the part's file (waits for the media server to close it) and releases the mix. */
    private void stop() {
        Recorder done = recorder;
        if (done == null) {
            return;
        }
        recorder = null;
        try {
            done.file().stopAndWait();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "room " + roomId + ": the media server did not confirm the end of recording part "
                    + done.partId() + "; the file keeps what was written", e);
        }
        done.in().values().forEach(release);
        release.accept(done.file());
        release.accept(done.out());
        release.accept(done.mix());
        parts.ended(done.partId());
    }
}
