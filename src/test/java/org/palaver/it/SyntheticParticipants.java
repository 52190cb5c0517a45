package org.palaver.it;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.kurento.client.KurentoClient;
import org.kurento.client.MediaPipeline;
import org.kurento.client.MediaType;
import org.kurento.client.PlayerEndpoint;
import org.kurento.client.WebRtcEndpoint;

/**
 * Participants made of media on the media server itself, for rooms larger than the browsers a
 * test machine can run: a {@link PlayerEndpoint} plays a test file (moving picture and a tone)
 * into one sending {@link WebRtcEndpoint} per participant, in a pipeline of the test's own. Each
 * joins over the signaling socket like a page and publishes its endpoint's offer; the server
 * cannot tell it from a browser (nothing in the product knows of it). ICE runs between the two
 * endpoints on the media server's own addresses.
 */
final class SyntheticParticipants implements AutoCloseable {

    private final KurentoClient kurento;
    private final MediaPipeline pipeline;
    private final PlayerEndpoint player;
    private final List<Synthetic> people = new ArrayList<>();

    /** One of them: its signaling client and sending endpoint. */
    record Synthetic(String id, SignalClient signal, WebRtcEndpoint sender) {
        /** Says it starts or stops speaking, as a page does when its microphone hears speech. */
        void speaking(boolean on) {
            signal.send("{\"type\":\"speaking\",\"speaking\":" + on + "}");
        }
    }

    SyntheticParticipants(URI kms, Path file) {
        kurento = KurentoClient.create(kms.toString());
        pipeline = kurento.createMediaPipeline();
        player = new PlayerEndpoint.Builder(pipeline, file.toUri().toString()).build();
        player.play();
    }

    /**
     * A test file of {@code seconds}: VP8 320x240 at 15 fps (a moving test pattern) and Opus (a
     * 440 Hz tone), made once with Debian's ffmpeg into {@code dir}.
     */
    static Path testFile(Path dir, int seconds) throws Exception {
        Path file = dir.resolve("synthetic-" + seconds + "s.webm").toAbsolutePath();
        if (Files.exists(file)) {
            return file;
        }
        Files.createDirectories(dir);
        Path partial = dir.resolve("synthetic-" + seconds + "s.partial.webm");
        Process ffmpeg = new ProcessBuilder("ffmpeg", "-y", "-loglevel", "error",
                "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=15",
                "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
                "-t", Integer.toString(seconds), "-c:v", "libvpx", "-b:v", "300k", "-deadline", "realtime",
                "-cpu-used", "8", "-c:a", "libopus", partial.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!ffmpeg.waitFor(5, TimeUnit.MINUTES) || ffmpeg.exitValue() != 0) {
            throw new IllegalStateException("ffmpeg could not make the synthetic participants' test file " + file);
        }
        Files.move(partial, file);
        return file;
    }

    /**
     * Joins {@code room} as {@code name} and publishes the test file's picture, and its tone when
     * {@code withSound}; returns once the media server answered the offer.
     */
    Synthetic join(URI base, String room, String name, boolean withSound) throws Exception {
        SignalClient signal = SignalClient.join(base, room, name);
        String id = signal.id();
        WebRtcEndpoint sender = new WebRtcEndpoint.Builder(pipeline).build();
        player.connect(sender, MediaType.VIDEO);
        if (withSound) {
            player.connect(sender, MediaType.AUDIO);
        }
        sender.addIceCandidateFoundListener(event -> signal.send(Json.createObjectBuilder()
                .add("type", "sfu-candidate").add("stream", id)
                .add("candidate", Json.createObjectBuilder()
                        .add("candidate", event.getCandidate().getCandidate())
                        .add("sdpMid", event.getCandidate().getSdpMid())
                        .add("sdpMLineIndex", event.getCandidate().getSdpMLineIndex()))
                .build().toString()));
        // The server's candidates wait until the answer is applied, then go straight in.
        List<org.kurento.client.IceCandidate> early = new ArrayList<>();
        boolean[] answered = {false};
        signal.onMessage(message -> {
            if (!"sfu-candidate".equals(message.getString("type", null)) || !id.equals(message.getString("stream", null))) {
                return;
            }
            JsonObject c = message.getJsonObject("candidate");
            org.kurento.client.IceCandidate candidate = new org.kurento.client.IceCandidate(c.getString("candidate"),
                    c.getString("sdpMid", "0"), c.getInt("sdpMLineIndex", 0));
            synchronized (early) {
                if (!answered[0]) {
                    early.add(candidate);
                    return;
                }
            }
            sender.addIceCandidate(candidate);
        });
        String offer = onlyVp8(sender.generateOffer());
        signal.send(Json.createObjectBuilder().add("type", "publish").add("sdp", offer).build().toString());
        JsonObject answer = signal.await(m -> "sfu-answer".equals(m.getString("type", null))
                && id.equals(m.getString("stream", null)), "the media server's answer for " + name);
        sender.processAnswer(answer.getString("sdp"));
        synchronized (early) {
            answered[0] = true;
            early.forEach(sender::addIceCandidate);
        }
        sender.gatherCandidates();
        Synthetic synthetic = new Synthetic(id, signal, sender);
        people.add(synthetic);
        return synthetic;
    }

    /**
     * Whether the sending endpoint is connected to the room (ICE and DTLS up) with the player's
     * picture flowing into it. (Kurento's "flowing out" is towards its own pipeline, not the network.)
     */
    static boolean sending(Synthetic s) {
        return s.sender().getConnectionState() == org.kurento.client.ConnectionState.CONNECTED
                && s.sender().isMediaFlowingIn(MediaType.VIDEO);
    }

    /**
     * The offer with VP8 as its only video codec, as browsers send: Kurento offers VP9 first, and
     * a VP9 camera would be transcoded for every page that takes VP8.
     */
    static String onlyVp8(String offer) {
        java.util.regex.Matcher vp8 = java.util.regex.Pattern.compile("a=rtpmap:(\\d+) VP8/90000").matcher(offer);
        if (!vp8.find()) {
            throw new IllegalStateException("the media server offered no VP8: " + offer);
        }
        String keep = vp8.group(1);
        StringBuilder out = new StringBuilder();
        for (String line : offer.split("\r\n|\n")) {
            if (line.startsWith("m=video ")) {
                String[] parts = line.split(" ");
                line = parts[0] + " " + parts[1] + " " + parts[2] + " " + keep;
            } else if (line.matches("a=(rtpmap|rtcp-fb|fmtp):(\\d+) .*") && !line.matches("a=(rtpmap|rtcp-fb|fmtp):" + keep + " .*")
                    && videoPayload(offer, line)) {
                continue;
            }
            out.append(line).append("\r\n");
        }
        return out.toString();
    }

    /** Whether an rtpmap/rtcp-fb/fmtp line belongs to a payload type of the video section. */
    private static boolean videoPayload(String offer, String line) {
        String pt = line.replaceAll("a=\\w+(-\\w+)?:(\\d+) .*", "$2");
        String video = offer.substring(offer.indexOf("m=video "));
        String mLine = video.substring(0, video.indexOf('\n')).trim();
        return java.util.Arrays.asList(mLine.split(" ")).subList(3, mLine.split(" ").length).contains(pt);
    }

    @Override
    public void close() {
        for (Synthetic s : people) {
            s.signal().send("{\"type\":\"leave\"}");
            s.signal().close();
        }
        try {
            pipeline.release();
        } catch (RuntimeException e) {
            // the media server may be gone already
        }
        kurento.destroy();
    }
}
