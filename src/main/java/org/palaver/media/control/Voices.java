package org.palaver.media.control;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.kurento.client.Composite;
import org.kurento.client.Continuation;
import org.kurento.client.HubPort;
import org.kurento.client.MediaObject;
import org.kurento.client.MediaPipeline;
import org.kurento.client.MediaType;
import org.kurento.client.WebRtcEndpoint;

/**
 * A Kurento room's sound: one {@link Composite} with a hub port per participant. A camera's voice
 * goes in on its owner's port, and what the owner hears comes out of the same port, which
 * Kurento's mixer leaves their own voice out of (no echo). Muted microphones stay out of the mix:
 * the mixer's cost on the media server grows with every voice it decodes. Used by {@link SfuRoom}
 * on its queue only.
 */
final class Voices {

    private final Supplier<MediaPipeline> pipeline;
    private final Consumer<MediaObject> release;
    private final Supplier<Continuation<Void>> connecting;
    private final Supplier<Continuation<Void>> disconnecting;
    private Composite mix;
    private final Map<String, HubPort> ports = new HashMap<>();
    /** Muted microphones (kept across a media server restart, like the mute itself). */
    private final Set<String> silent = new HashSet<>();

    /**
     * {@code pipeline}: the room's, made on demand; {@code release}: how objects are let go;
     * {@code connecting}, {@code disconnecting}: what reports a failed call not waited for.
     */
    Voices(Supplier<MediaPipeline> pipeline, Consumer<MediaObject> release,
           Supplier<Continuation<Void>> connecting, Supplier<Continuation<Void>> disconnecting) {
        this.pipeline = pipeline;
        this.release = release;
        this.connecting = connecting;
        this.disconnecting = disconnecting;
    }

    /** The participant's port, made when first needed (the mix with the first one). */
    private HubPort port(String participantId) {
        HubPort port = ports.get(participantId);
        if (port == null) {
            if (mix == null) {
                mix = new Composite.Builder(pipeline.get()).build();
            }
            port = new HubPort.Builder(mix).build();
            ports.put(participantId, port);
        }
        return port;
    }

    /** Their camera is published: its voice goes into the mix unless their microphone is muted. */
    void published(String participantId, WebRtcEndpoint camera) {
        HubPort port = port(participantId);
        if (!silent.contains(participantId)) {
            camera.connect(port, MediaType.AUDIO, connecting.get());
        }
    }

    /** What the participant hears: everyone's voice but their own, into their receiving endpoint. */
    void listen(String participantId, WebRtcEndpoint receiver) {
        port(participantId).connect(receiver, MediaType.AUDIO, connecting.get());
    }

    /**
     * Their microphone was muted ({@code false}) or unmuted; {@code camera}: their current
     * publisher, or null. Only that one is disconnected: on Kurento 7.3, disconnecting a source
     * that was already replaced cuts the port's input for good.
     */
    void audible(String participantId, boolean on, WebRtcEndpoint camera) {
        boolean changed = on ? silent.remove(participantId) : silent.add(participantId);
        HubPort port = ports.get(participantId);
        if (!changed || camera == null || port == null) {
            return; // not published yet: published() reads the mute
        }
        if (on) {
            camera.connect(port, MediaType.AUDIO, connecting.get());
        } else {
            camera.disconnect(port, MediaType.AUDIO, disconnecting.get());
        }
    }

    /** Gone from the room: their port goes (the mix stays for the others). */
    void gone(String participantId) {
        silent.remove(participantId);
        release.accept(ports.remove(participantId));
    }

    /** The media server session is gone, and the mix with it; mutes stay. */
    void forget() {
        mix = null;
        ports.clear();
    }
}
