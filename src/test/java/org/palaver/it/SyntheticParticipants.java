package org.palaver.it;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.kurento.client.ConnectionState;
import org.kurento.client.Continuation;
import org.kurento.client.IceCandidate;
import org.kurento.client.KurentoClient;
import org.kurento.client.MediaPipeline;
import org.kurento.client.MediaType;
import org.kurento.client.OfferOptions;
import org.kurento.client.PlayerEndpoint;
import org.kurento.client.RTCInboundRTPStreamStats;
import org.kurento.client.WebRtcEndpoint;

/**
 * Participants made of media on a media server, for rooms larger than the browsers a test
 * machine can run: a {@link PlayerEndpoint} plays a test file (moving picture and a tone, played
 * again whenever it ends) into one sending {@link WebRtcEndpoint} per participant, in a pipeline
 * of the test's own. Each joins over the signaling socket like a page and publishes its
 * endpoint's offer; the server cannot tell it from a browser (nothing in the product knows of
 * it). It can also watch like a page ({@link #subscribe}): a receive-only endpoint per stream
 * (the room's mix, a video slot), negotiated through the server with candidates trickled both
 * ways. The pipeline may live on the room's own media server or on another one: ICE runs between
 * the endpoints on the machine's own addresses either way.
 */
public final class SyntheticParticipants implements AutoCloseable {

    /** How long the room's media server may take to answer one offer (it answers in order, per room). */
    public static final Duration ANSWER = Duration.ofSeconds(30);

    private final KurentoClient kurento;
    private final MediaPipeline pipeline;
    private final PlayerEndpoint player;
    private final List<Synthetic> people = new ArrayList<>();

    /**
     * One of them: its signaling client, its sending endpoint and the connections it receives on.
     * Every {@code sfu-answer} and {@code sfu-candidate} the server sends it goes to the connection
     * of that {@code stream}.
     */
    public static final class Synthetic {
        private final String id;
        private final SignalClient signal;
        private final Map<String, Connection> connections = new ConcurrentHashMap<>();
        private volatile WebRtcEndpoint sender;

        Synthetic(String id, SignalClient signal) {
            this.id = id;
            this.signal = signal;
            signal.onMessage(this::route);
        }

        public String id() {
            return id;
        }

        public SignalClient signal() {
            return signal;
        }

        public WebRtcEndpoint sender() {
            return sender;
        }

        /** Says it starts or stops speaking, as a page does when its microphone hears speech. */
        public void speaking(boolean on) {
            send("{\"type\":\"speaking\",\"speaking\":" + on + "}");
        }

        /** Says its microphone is muted or open (camera on), as a page does; a muted voice leaves the room's mix. */
        public void microphone(boolean muted) {
            send("{\"type\":\"media-state\",\"audioMuted\":" + muted + ",\"videoMuted\":false}");
        }

        /**
         * Sends one message. One at a time: a WebSocket takes no second message while one is being
         * sent, and candidates are found on the media server client's threads, several at once.
         */
        public synchronized void send(String text) {
            signal.send(text);
        }

        /** The connections it receives on (not its sending one), by stream. */
        public List<Connection> receivers() {
            return connections.values().stream().filter(c -> !c.stream.equals(id)).toList();
        }

        private Connection open(String stream, WebRtcEndpoint endpoint) {
            Connection connection = new Connection(stream, endpoint);
            connections.put(stream, connection);
            endpoint.addIceCandidateFoundListener(event -> send(Json.createObjectBuilder()
                    .add("type", "sfu-candidate").add("stream", stream)
                    .add("candidate", Json.createObjectBuilder()
                            .add("candidate", event.getCandidate().getCandidate())
                            .add("sdpMid", event.getCandidate().getSdpMid())
                            .add("sdpMLineIndex", event.getCandidate().getSdpMLineIndex()))
                    .build().toString()));
            return connection;
        }

        /** On the socket's thread: nothing here waits for the media server, so pings are answered meanwhile. */
        private void route(JsonObject message) {
            String type = message.getString("type", null);
            if (!"sfu-answer".equals(type) && !"sfu-candidate".equals(type) || !message.containsKey("stream")) {
                return;
            }
            Connection connection = connections.get(message.getString("stream"));
            if (connection == null) {
                return;
            }
            if (type.equals("sfu-answer")) {
                connection.answer.complete(message.getString("sdp"));
            } else {
                JsonObject c = message.getJsonObject("candidate");
                connection.candidate(new IceCandidate(c.getString("candidate"), c.getString("sdpMid", "0"), c.getInt("sdpMLineIndex", 0)));
            }
        }
    }

    /**
     * One connection of a synthetic participant with the room's media server, named by the stream
     * it carries. The server's candidates wait until its answer is applied, then go straight in.
     */
    public static final class Connection {
        private final String stream;
        private final WebRtcEndpoint endpoint;
        private final CompletableFuture<String> answer = new CompletableFuture<>();
        private final List<IceCandidate> early = new ArrayList<>();
        private boolean answered;

        Connection(String stream, WebRtcEndpoint endpoint) {
            this.stream = stream;
            this.endpoint = endpoint;
        }

        public String stream() {
            return stream;
        }

        public WebRtcEndpoint endpoint() {
            return endpoint;
        }

        /** Whether it carries video ({@code ~mix} is the only audio-only stream). */
        public boolean video() {
            return !stream.equals("~mix");
        }

        private void candidate(IceCandidate candidate) {
            synchronized (early) {
                if (!answered) {
                    early.add(candidate);
                    return;
                }
            }
            endpoint.addIceCandidate(candidate, IGNORED);
        }

        /**
         * Waits for the server's {@code sfu-answer}, applies it and the candidates that came early,
         * and starts gathering candidates of its own.
         */
        public void answered(Duration within, SignalClient signal) throws InterruptedException {
            String sdp;
            try {
                sdp = answer.get(within.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                throw new IllegalStateException("no sfu-answer for " + stream + " within " + within + "; errors: " + signal.all("error"));
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            }
            endpoint.processAnswer(sdp);
            synchronized (early) {
                answered = true;
                early.forEach(c -> endpoint.addIceCandidate(c, IGNORED));
                early.clear();
            }
            endpoint.gatherCandidates();
        }

        /** Bytes of media it has received so far (SRTP decrypted, RTP counted), 0 before it connected. */
        public long bytesReceived() {
            return SyntheticParticipants.bytesReceived(endpoint, video() ? MediaType.VIDEO : MediaType.AUDIO);
        }

        /**
         * Whether it is connected (ICE and DTLS up) and media arrives. (Kurento's "flowing in" only
         * shows at an endpoint linked to something in its pipeline; a receiver here is linked to nothing.)
         */
        public boolean receiving() {
            return endpoint.getConnectionState() == ConnectionState.CONNECTED && bytesReceived() > 0;
        }
    }

    /** Bytes of {@code type} media an endpoint has received so far (SRTP decrypted, RTP counted), 0 before it connected. */
    public static long bytesReceived(WebRtcEndpoint endpoint, MediaType type) {
        return endpoint.getStats(type).values().stream()
                .filter(RTCInboundRTPStreamStats.class::isInstance).map(RTCInboundRTPStreamStats.class::cast)
                .mapToLong(RTCInboundRTPStreamStats::getBytesReceived).sum();
    }

    /** For calls whose outcome shows elsewhere: a failed candidate shows as a connection that does not come up. */
    public static final Continuation<Void> IGNORED = new Continuation<>() {
        @Override
        public void onSuccess(Void result) {
        }

        @Override
        public void onError(Throwable cause) {
            // a failed candidate shows as a connection that does not come up
        }
    };

    public SyntheticParticipants(URI kms, Path file) {
        this(kms, file, false);
    }

    /**
     * With {@code encoded}, the player hands the file's VP8 and Opus to the senders as they are
     * (Kurento's {@code useEncodedMedia}): nothing is decoded or encoded on this side, and a
     * viewer's keyframe request waits for the file's next keyframe. Without it, the picture is
     * decoded and encoded again once for all senders, and keyframes come when asked for.
     */
    public SyntheticParticipants(URI kms, Path file, boolean encoded) {
        kurento = KurentoClient.create(kms.toString());
        pipeline = kurento.createMediaPipeline();
        PlayerEndpoint.Builder builder = new PlayerEndpoint.Builder(pipeline, file.toUri().toString());
        player = (encoded ? builder.useEncodedMedia() : builder).build();
        player.addEndOfStreamListener(event -> player.play(IGNORED)); // again from the start, for runs longer than the file
        player.play();
    }

    /**
     * A test file of {@code seconds}: VP8 320x240 at 15 fps (a moving test pattern) and Opus (a
     * 440 Hz tone), made once with Debian's ffmpeg into {@code dir}.
     */
    public static Path testFile(Path dir, int seconds) throws Exception {
        return testFile(dir, seconds, 300, 0);
    }

    /**
     * The same at {@code kbps}, with a keyframe every {@code keyframeSeconds} (0: as the encoder
     * chooses), named after both when they are not the defaults.
     */
    public static Path testFile(Path dir, int seconds, int kbps, int keyframeSeconds) throws Exception {
        String name = "synthetic-" + seconds + "s" + (kbps == 300 && keyframeSeconds == 0 ? "" : "-" + kbps + "k-g" + keyframeSeconds);
        List<String> command = new ArrayList<>(List.of(
                "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=15",
                "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
                "-t", Integer.toString(seconds), "-c:v", "libvpx", "-b:v", kbps + "k", "-deadline", "realtime",
                "-cpu-used", "8"));
        if (keyframeSeconds > 0) {
            command.addAll(List.of("-g", Integer.toString(15 * keyframeSeconds)));
        }
        command.addAll(List.of("-c:a", "libopus"));
        return made(dir, name + ".webm", command);
    }

    /**
     * A camera for a browser ({@link Browser#Browser(String, Path)}): one second of a moving test
     * pattern, 480x480 at 30 fps, looped by Chromium. Its square frames tell, at a viewer, that a
     * slot carries this camera and from which frame on (browsers' own fake cameras are 16:9, the
     * synthetic participants' 4:3).
     */
    public static Path squareCamera(Path dir) throws Exception {
        return made(dir, "square-camera-480.y4m", List.of("-f", "lavfi", "-i", "testsrc2=size=480x480:rate=30",
                "-t", "1", "-pix_fmt", "yuv420p", "-f", "yuv4mpegpipe"));
    }

    /**
     * {@code dir/name}, made once with Debian's ffmpeg from {@code options} (all but the output):
     * written as a partial file, then moved, so a file that exists is whole.
     */
    private static Path made(Path dir, String name, List<String> options) throws Exception {
        Path file = dir.resolve(name).toAbsolutePath();
        if (Files.exists(file)) {
            return file;
        }
        Files.createDirectories(dir);
        Path partial = dir.resolve("partial-" + name);
        List<String> command = new ArrayList<>(List.of("ffmpeg", "-y", "-loglevel", "error"));
        command.addAll(options);
        command.add(partial.toString());
        Process ffmpeg = new ProcessBuilder(command)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!ffmpeg.waitFor(5, TimeUnit.MINUTES) || ffmpeg.exitValue() != 0) {
            throw new IllegalStateException("ffmpeg could not make the test file " + file);
        }
        Files.move(partial, file);
        return file;
    }

    /**
     * Joins {@code room} as {@code name} and publishes the test file's picture, and its tone when
     * {@code withSound}; returns once the media server's answer is applied.
     */
    public Synthetic join(URI base, String room, String name, boolean withSound) throws Exception {
        SignalClient signal = SignalClient.join(base, room, name);
        Synthetic synthetic = new Synthetic(signal.id(), signal);
        people.add(synthetic);
        WebRtcEndpoint sender = new WebRtcEndpoint.Builder(pipeline).build();
        synthetic.sender = sender;
        player.connect(sender, MediaType.VIDEO);
        if (withSound) {
            player.connect(sender, MediaType.AUDIO);
        }
        Connection connection = synthetic.open(synthetic.id, sender);
        String offer = onlyVp8(sender.generateOffer());
        synthetic.send(Json.createObjectBuilder().add("type", "publish").add("sdp", offer).build().toString());
        connection.answered(ANSWER, signal);
        return synthetic;
    }

    /**
     * Asks the server for {@code stream} ({@code ~mix}, {@code ~slot<i>}, or another's screen) as
     * a page does: a receive-only offer of a new endpoint that nothing in the pipeline feeds, audio
     * only for the mix, VP8-only video otherwise. Returns at once; {@link Connection#answered}
     * completes it.
     */
    public Connection subscribe(Synthetic synthetic, String stream) {
        WebRtcEndpoint receiver = new WebRtcEndpoint.Builder(pipeline).build();
        Connection connection = synthetic.open(stream, receiver);
        OfferOptions options = new OfferOptions();
        options.setOfferToReceiveAudio(!connection.video());
        options.setOfferToReceiveVideo(connection.video());
        String offer = receiveOnly(receiver.generateOffer(options));
        if (connection.video()) {
            offer = onlyVp8(offer);
        }
        synthetic.send(Json.createObjectBuilder().add("type", "subscribe").add("stream", stream).add("sdp", offer)
                .build().toString());
        return connection;
    }

    /**
     * Whether the sending endpoint is connected to the room (ICE and DTLS up) with the player's
     * picture flowing into it. (Kurento's "flowing out" is towards its own pipeline, not the network.)
     */
    public static boolean sending(Synthetic s) {
        return s.sender().getConnectionState() == ConnectionState.CONNECTED
                && s.sender().isMediaFlowingIn(MediaType.VIDEO);
    }

    /**
     * The offer as a browser's receive-only transceiver makes it: Kurento offers {@code sendrecv}
     * whatever feeds the endpoint, so the room's endpoint would wait for media from it too. Its
     * answer ({@code sendonly}) is applied to the endpoint as is.
     */
    static String receiveOnly(String offer) {
        return offer.replace("a=sendrecv", "a=recvonly");
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

    /** Everyone leaves (the server releases their endpoints), then the test's own pipeline is released. */
    @Override
    public void close() {
        for (Synthetic s : people) {
            try {
                s.send("{\"type\":\"leave\"}");
            } catch (RuntimeException e) {
                // the socket may be gone already
            }
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
