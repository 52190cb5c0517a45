package org.palaver.bench;

import static org.palaver.it.SyntheticParticipants.IGNORED;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.kurento.client.Composite;
import org.kurento.client.ConnectionState;
import org.kurento.client.HubPort;
import org.kurento.client.KurentoClient;
import org.kurento.client.MediaElement;
import org.kurento.client.MediaPipeline;
import org.kurento.client.MediaType;
import org.kurento.client.OfferOptions;
import org.kurento.client.PlayerEndpoint;
import org.kurento.client.WebRtcEndpoint;
import org.palaver.it.RealKms;
import org.palaver.it.SyntheticParticipants;

/**
 * Three ways to give everyone in a large Kurento room the sound of whoever talks, measured side by
 * side on the same media server (docs/benchmarks.md, "Large rooms: the room's sound, three ways").
 * Part {@code audio} of {@link KurentoBenchmarks}; Palaver is not involved, only the media server's
 * own elements, built as each way would build them:
 * <ul>
 * <li>{@code mix} (what Palaver does): a {@link Composite} with a hub port per person; only the open
 * microphones feed their port; each port's output (everyone but that person) goes to that person.</li>
 * <li>{@code forward}: a receiving endpoint per listener and other person, n·(n − 1); only the open
 * microphones are connected to theirs (the best case for this way: muted ones forward nothing).</li>
 * <li>{@code slots}: {@code bench.audio.slots} receiving endpoints per listener, connected to the
 * open microphones (a new speaker is heard only once a slot is re-pointed to them).</li>
 * </ul>
 * Two media servers: the room's, whose process CPU is the figure, and another whose endpoints send
 * every person's sound (the same Opus file, as it is) and receive what each listener gets, so
 * every stream really crosses the network stack. All n people send all the time, as browsers
 * with a muted microphone send silence; {@code bench.audio.voices} of them are the open ones.
 */
final class AudioOptions {

    static final int VOICES = Integer.getInteger("bench.audio.voices", 3);
    static final int SLOTS = Integer.getInteger("bench.audio.slots", 3);
    static final Duration SETUP_BUDGET = Duration.ofSeconds(Integer.getInteger("bench.audio.setup-seconds", 300));
    static final Duration CONNECT = Duration.ofSeconds(120);
    static final int WINDOWS = 3;
    static final Duration WINDOW = Duration.ofSeconds(10);
    static final Duration SETTLE = Duration.ofSeconds(10);
    /** Negotiations in flight at once: both media servers answer in parallel, each RPC waits for one. */
    static final int PARALLEL = 4;

    record Row(String way, int n, int endpoints, int hubPorts, int receivers, int fed, int hearing, double cpu,
               double synthCpu, double machine, long rssMb, double setupSeconds, boolean partial, String note) {
    }

    final List<Row> rows = new ArrayList<>();

    void run() throws Exception {
        List<Integer> sizes = Arrays.stream(System.getProperty("bench.audio.sizes", "5,10,25").split(","))
                .map(String::strip).filter(s -> !s.isEmpty()).map(Integer::valueOf).sorted().toList();
        List<String> ways = List.of(System.getProperty("bench.audio.ways", "mix,forward,slots").split(","));
        Path file = SyntheticParticipants.testFile(Path.of("target", "media"), 300);
        Map<String, String> environment = Map.of("GST_DEBUG", RealKms.QUIET_RTP);
        try (RealKms room = RealKms.startOrSkip(environment); RealKms synthetic = RealKms.startOrSkip(environment)) {
            if (!room.ownProcess()) {
                System.out.println("audio options skipped: they need two media servers of their own (not -Dpalaver.it.kms.url)");
                return;
            }
            KurentoClient roomClient = KurentoClient.create(room.url().toString());
            KurentoClient synthClient = KurentoClient.create(synthetic.url().toString());
            try {
                System.out.printf("audio options: %d open voices, %d slots; the room's media server pid %d, the other's %d%n",
                        VOICES, SLOTS, room.pid(), synthetic.pid());
                for (int n : sizes) {
                    for (String way : ways) {
                        Row row = measure(way.strip(), n, roomClient, synthClient, room, synthetic, file);
                        rows.add(row);
                        System.out.println("  " + line(row, ratio(row)));
                        LargeRooms.awaitQuiet(room, synthetic);
                    }
                }
            } finally {
                roomClient.destroy();
                synthClient.destroy();
            }
        } finally {
            print();
        }
    }

    Row measure(String way, int n, KurentoClient roomClient, KurentoClient synthClient, RealKms room, RealKms synthKms,
                Path file) throws Exception {
        System.out.printf("%naudio, %s, %d people%n", way, n);
        MediaPipeline roomPipeline = roomClient.createMediaPipeline();
        MediaPipeline synthPipeline = synthClient.createMediaPipeline();
        ExecutorService pool = Executors.newFixedThreadPool(PARALLEL);
        long began = System.nanoTime();
        String note = "";
        try {
            PlayerEndpoint player = new PlayerEndpoint.Builder(synthPipeline, file.toUri().toString()).useEncodedMedia().build();
            player.addEndOfStreamListener(event -> player.play(IGNORED));
            player.play();
            long deadline = began + SETUP_BUDGET.toNanos();
            // ---- everyone publishes their sound to the room's media server
            List<Future<WebRtcEndpoint>> sending = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                sending.add(pool.submit(() -> {
                    WebRtcEndpoint sender = new WebRtcEndpoint.Builder(synthPipeline).build();
                    player.connect(sender, MediaType.AUDIO);
                    WebRtcEndpoint publisher = new WebRtcEndpoint.Builder(roomPipeline).build();
                    negotiate(sender, publisher, "sendonly");
                    return publisher;
                }));
            }
            List<WebRtcEndpoint> publishers = new ArrayList<>();
            for (Future<WebRtcEndpoint> f : sending) {
                publishers.add(f.get(Math.max(deadline - System.nanoTime(), 1), TimeUnit.NANOSECONDS));
            }
            // ---- what each listener gets: sources.get(i) is what feeds listener i's receiving endpoints (null: nothing)
            List<List<MediaElement>> sources = new ArrayList<>();
            Composite composite = way.equals("mix") ? new Composite.Builder(roomPipeline).build() : null;
            for (int i = 0; i < n; i++) {
                List<MediaElement> feeds = new ArrayList<>();
                switch (way) {
                    case "mix" -> {
                        HubPort port = new HubPort.Builder(composite).build();
                        if (i < VOICES) {
                            publishers.get(i).connect(port, MediaType.AUDIO);
                        }
                        feeds.add(port);
                    }
                    case "forward" -> {
                        for (int j = 0; j < n; j++) {
                            if (j != i) {
                                feeds.add(j < VOICES ? publishers.get(j) : null);
                            }
                        }
                    }
                    case "slots" -> {
                        List<MediaElement> voices = new ArrayList<>();
                        for (int j = 0; j < Math.min(VOICES, n); j++) {
                            if (j != i) {
                                voices.add(publishers.get(j));
                            }
                        }
                        for (int s = 0; s < SLOTS; s++) {
                            feeds.add(s < voices.size() ? voices.get(s) : null);
                        }
                    }
                    default -> throw new IllegalArgumentException("no such way: " + way + " (mix, forward, slots)");
                }
                sources.add(feeds);
            }
            // ---- and receives it on the other media server
            List<Future<WebRtcEndpoint>> receiving = new ArrayList<>();
            List<Boolean> fedFlags = new ArrayList<>();
            for (List<MediaElement> feeds : sources) {
                for (MediaElement source : feeds) {
                    fedFlags.add(source != null);
                    receiving.add(pool.submit(() -> {
                        WebRtcEndpoint out = new WebRtcEndpoint.Builder(roomPipeline).build();
                        if (source != null) {
                            source.connect(out, MediaType.AUDIO);
                        }
                        WebRtcEndpoint receiver = new WebRtcEndpoint.Builder(synthPipeline).build();
                        negotiate(receiver, out, "recvonly");
                        return receiver;
                    }));
                }
            }
            // Made in order: those made are a prefix of those planned, so fedFlags lines up with them.
            List<WebRtcEndpoint> receivers = new ArrayList<>();
            boolean partial = false;
            for (Future<WebRtcEndpoint> f : receiving) {
                try {
                    receivers.add(f.get(Math.max(deadline - System.nanoTime(), 1), TimeUnit.NANOSECONDS));
                } catch (java.util.concurrent.TimeoutException e) {
                    partial = true;
                    note = String.format("set-up stopped after %d s: %d of %d receivers made", SETUP_BUDGET.toSeconds(),
                            receivers.size(), receiving.size());
                    receiving.forEach(r -> r.cancel(true));
                    break;
                }
            }
            double setupSeconds = LargeRooms.seconds(began);
            int fed = (int) fedFlags.subList(0, receivers.size()).stream().filter(f -> f).count();
            int connected = LargeRooms.awaitAll(receivers, r -> r.getConnectionState() == ConnectionState.CONNECTED,
                    System.nanoTime() + CONNECT.toNanos(), "receivers connected");
            System.out.printf("  %d publishers and %d of %d receivers (%d fed by a voice) set up in %.0f s, %d connected%n",
                    n, receivers.size(), receiving.size(), fed, setupSeconds, connected);

            // ---- steady state
            Thread.sleep(SETTLE.toMillis());
            List<Long> before = bytes(receivers);
            List<Double> cpu = new ArrayList<>();
            List<Double> synthCpu = new ArrayList<>();
            List<Double> machine = new ArrayList<>();
            for (int w = 0; w < WINDOWS; w++) {
                long kms = room.cpuNanos();
                long other = synthKms.cpuNanos();
                long[] busy = LargeRooms.machineTicks();
                long wall = System.nanoTime();
                Thread.sleep(WINDOW.toMillis());
                double elapsed = System.nanoTime() - wall;
                cpu.add(100 * (room.cpuNanos() - kms) / elapsed);
                synthCpu.add(100 * (synthKms.cpuNanos() - other) / elapsed);
                long[] after = LargeRooms.machineTicks();
                machine.add(100.0 * Runtime.getRuntime().availableProcessors() * (after[0] - busy[0]) / (after[1] - busy[1]));
            }
            List<Long> after = bytes(receivers);
            int hearing = 0;
            int strays = 0; // receivers fed by nothing that got sound all the same
            for (int i = 0; i < receivers.size(); i++) {
                boolean got = after.get(i) > before.get(i);
                if (fedFlags.get(i)) {
                    hearing += got ? 1 : 0;
                } else {
                    strays += got ? 1 : 0;
                }
            }
            Map<String, Integer> children = new java.util.TreeMap<>();
            room.pipelines().forEach(p -> p.forEach((type, count) -> children.merge(type, count, Integer::sum)));
            if (composite != null) {
                children.put("HubPort", composite.getChildren().size());
            }
            System.out.printf("  room media server CPU %% of one core: %s; the other's: %s; machine: %s; room pipeline: %s%n",
                    LargeRooms.round(cpu), LargeRooms.round(synthCpu), LargeRooms.round(machine), children);
            if (strays > 0) {
                note = (note.isEmpty() ? "" : note + "; ") + strays + " receivers fed by nothing got sound";
            }
            if (hearing < fed) {
                note = (note.isEmpty() ? "" : note + "; ") + (fed - hearing) + " fed receivers got nothing";
            }
            if (Stats.median(machine) >= LargeRooms.SATURATED) {
                note = (note.isEmpty() ? "" : note + "; ") + "both cores full: the figure is what the media server got, not what it needs";
            }
            return new Row(way, n, children.getOrDefault("WebRtcEndpoint", 0), children.getOrDefault("HubPort", 0),
                    receivers.size(), fed, hearing, Stats.median(cpu), Stats.median(synthCpu), Stats.median(machine),
                    LargeRooms.rssMb(room.pid()), setupSeconds, partial, note);
        } catch (Exception e) {
            String why = e.getMessage() == null ? e.toString() : e.getMessage();
            System.out.println("  did not fit: " + why);
            return new Row(way, n, -1, -1, -1, -1, 0, Double.NaN, Double.NaN, Double.NaN, LargeRooms.rssMb(room.pid()),
                    LargeRooms.seconds(began), true, "did not fit: " + (why.length() > 200 ? why.substring(0, 200) + "..." : why));
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(30, TimeUnit.SECONDS); // no negotiation left running into the next row
            release(roomPipeline);
            release(synthPipeline);
        }
    }

    /**
     * An offer from {@code offerer} (on the other media server) with audio only in {@code direction},
     * answered by {@code answerer} (on the room's); candidates go straight across, both ways, and
     * this returns once both have their descriptions (the connection comes up on its own).
     */
    static void negotiate(WebRtcEndpoint offerer, WebRtcEndpoint answerer, String direction) {
        offerer.addIceCandidateFoundListener(e -> answerer.addIceCandidate(e.getCandidate(), IGNORED));
        answerer.addIceCandidateFoundListener(e -> offerer.addIceCandidate(e.getCandidate(), IGNORED));
        OfferOptions options = new OfferOptions();
        options.setOfferToReceiveAudio(true);
        options.setOfferToReceiveVideo(false);
        String offer = offerer.generateOffer(options).replace("a=sendrecv", "a=" + direction);
        String answer = answerer.processOffer(offer);
        offerer.processAnswer(answer); // both descriptions in place before any candidate goes across
        answerer.gatherCandidates();
        offerer.gatherCandidates();
    }

    /** Audio bytes each receiver got so far; -1 for one that could not be read. */
    static List<Long> bytes(List<WebRtcEndpoint> receivers) {
        List<Long> bytes = new ArrayList<>();
        for (WebRtcEndpoint r : receivers) {
            try {
                bytes.add(SyntheticParticipants.bytesReceived(r, MediaType.AUDIO));
            } catch (RuntimeException e) {
                bytes.add(-1L);
            }
        }
        return bytes;
    }

    static void release(MediaPipeline pipeline) {
        try {
            pipeline.release();
        } catch (RuntimeException e) {
            // the media server may be gone; its next start has nothing of this
        }
    }

    static String line(Row r, String ratio) {
        String expected = switch (r.way()) {
            case "mix" -> r.n() + " + " + r.n();
            case "forward" -> r.n() + " + " + r.n() + "·" + (r.n() - 1);
            default -> r.n() + " + " + r.n() + "·" + SLOTS;
        };
        return String.format("| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %.0f s | %s |", r.way(), r.n(),
                r.endpoints() < 0 ? "–" : r.endpoints() + (r.hubPorts() > 0 ? " + " + r.hubPorts() + " hub ports" : ""),
                expected, r.fed() < 0 ? "–" : r.hearing() + " of " + r.fed(), LargeRooms.fmt(r.cpu()), ratio,
                LargeRooms.fmt(r.synthCpu()), LargeRooms.fmt(r.machine()), r.rssMb() < 0 ? "–" : r.rssMb() + " MB",
                r.setupSeconds(), r.note());
    }

    /** CPU against the whole mix of the same size, measured in the same run; none for a row not wholly set up. */
    String ratio(Row r) {
        Row mix = rows.stream().filter(o -> o.n() == r.n() && o.way().equals("mix") && !o.partial()).findFirst().orElse(null);
        return mix == null || r.partial() ? "–" : String.format("%.2f", r.cpu() / mix.cpu());
    }

    void print() {
        System.out.println();
        System.out.printf("%d open voices of n, %d slots per listener; CPU median of %d x %d s, %% of one core%n", VOICES, SLOTS,
                WINDOWS, WINDOW.toSeconds());
        System.out.println("| way | people | room WebRTC endpoints | expected | fed receivers getting sound (the mix's flows, silence included)"
                + " | room media server CPU"
                + " | vs the mix | the other media server's CPU | machine busy (of 200) | room media server resident memory after it (carries over from the rows before) | set-up | notes |");
        System.out.println("| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
        rows.forEach(r -> System.out.println(line(r, ratio(r))));
    }
}
