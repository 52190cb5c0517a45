package org.palaver.bench;

import jakarta.json.Json;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.palaver.it.PayaraMicroProcess;
import org.palaver.it.RealKms;
import org.palaver.it.ServerProcess;
import org.palaver.it.SyntheticParticipants;
import org.palaver.it.SyntheticParticipants.Connection;
import org.palaver.it.SyntheticParticipants.Synthetic;

/**
 * The media server's CPU for a large Kurento room, with last-N and without (docs/benchmarks.md,
 * "Large rooms, last-N"). Part {@code large-room} of {@link KurentoBenchmarks}.
 *
 * <p>Two media servers: the room's, the only one Palaver knows of ({@code palaver.kms.url}), whose
 * process CPU is what is measured; and another for the synthetic participants
 * ({@link SyntheticParticipants}), so that their sending and receiving is not in that figure. Each
 * of n participants publishes the same test file (VP8 video, Opus sound; the room's media server
 * forwards the VP8 as it comes) and watches like a page: the room's mix and one slot per camera it
 * can see, min(N, n - 1), each on a receive-only connection that really gets its media. Two voices
 * are open and speaking, everyone else is muted. Then the room's media server's CPU over three
 * windows of 10 s (median), its WebRTC endpoints, and what the receivers got.
 *
 * <p>"Without last-N" is the same product with {@code palaver.room.last-n} at least n - 1: every
 * viewer gets every camera. Sizes {@code -Dbench.large.sizes=10,25,50}, N
 * {@code -Dbench.large.last-n=9}. A configuration that does not fit (joins or answers time out,
 * receivers get no media) is printed as such and the larger ones without last-N are not tried.
 */
final class LargeRooms {

    static final Duration READY = Duration.ofSeconds(120);
    static final int WINDOWS = 3;
    static final Duration WINDOW = Duration.ofSeconds(10);
    static final Duration SETTLE = Duration.ofSeconds(10);
    static final int OPEN_VOICES = 2;
    /**
     * How long joining and subscribing may take, {@code -Dbench.large.setup-seconds}; beyond it
     * no more participants subscribe, and what was set up is measured and marked as such. (On two
     * cores 250 answers took 3.5 minutes, and a room that does not fit only gets slower.)
     */
    static final Duration SETUP_BUDGET = Duration.ofSeconds(Integer.getInteger("bench.large.setup-seconds", 240));
    /** For the answers of the last participant let in before the budget ran out. */
    static final Duration ANSWER_GRACE = Duration.ofSeconds(60);
    /**
     * The synthetic side's media server's niceness, {@code -Dbench.large.synthetic-nice}: at 10,
     * when both cores are busy the room's media server, the one measured, gets the CPU it asks for
     * first; but the synthetic side, short of CPU, then stalled more often (see
     * {@link SyntheticSideStalled}), so 0 by default.
     */
    static final int SYNTHETIC_NICE = Integer.getInteger("bench.large.synthetic-nice", 0);
    /**
     * Each camera's bit rate, {@code -Dbench.large.video-kbps}: the test file's (VP8 320x240 at
     * 15 fps, a keyframe every 2 s), sent as it is.
     */
    static final int VIDEO_KBPS = Integer.getInteger("bench.large.video-kbps", 500);
    /** Every participant's subscribes sent before any answer is awaited, {@code -Dbench.large.burst}. */
    static final boolean BURST = Boolean.getBoolean("bench.large.burst");
    /**
     * CPU in use from here on, in % of one core of two: the room's media server, Payara and this
     * JVM (the synthetic side, at a lower priority, only takes what they leave) filled both cores,
     * so the media server got what there was, not what it needed.
     */
    static final double SATURATED = 185;

    /** One measured (or failed) configuration. */
    record Row(int n, int lastN, boolean limited, int endpoints, int composites, int receivers, int receiving,
               double cpu, double synthCpu, double payaraCpu, double machine, double videoKbps, double audioKbps,
               long rssMb, String setup, String note) {
        int shown() {
            return Math.min(lastN, n - 1);
        }

        int expected() {
            return n * (shown() + 2);
        }
    }

    final HttpClient http = HttpClient.newHttpClient();
    final List<Row> rows = new ArrayList<>();

    void run() throws Exception {
        List<Integer> sizes = Arrays.stream(System.getProperty("bench.large.sizes", "5,10,25,50").split(","))
                .map(String::strip).filter(s -> !s.isEmpty()).map(Integer::valueOf).sorted().toList();
        int lastN = Integer.getInteger("bench.large.last-n", 9);
        int largest = sizes.get(sizes.size() - 1);
        Path file = SyntheticParticipants.testFile(Path.of("target", "media"), 300, VIDEO_KBPS, 2);
        // The synthetic side's media server answers late when both cores are busy: wait, as long as the bounds below allow.
        if (System.getProperty("kurento.client.requestTimeout") == null) {
            System.setProperty("kurento.client.requestTimeout", "60000");
        }
        // The media servers log as in the tests (GStreamer's per-packet RTP warning would be measured
        // as forwarding work); -Dbench.large.quiet-rtp=false keeps run.sh's levels as they are.
        boolean quiet = Boolean.parseBoolean(System.getProperty("bench.large.quiet-rtp", "true"));
        Map<String, String> environment = quiet ? Map.of("GST_DEBUG", RealKms.QUIET_RTP) : Map.of();
        try (RealKms room = RealKms.startOrSkip(environment); RealKms synthetic = RealKms.startOrSkip(environment, SYNTHETIC_NICE)) {
            if (!room.ownProcess()) {
                System.out.println("large rooms skipped: they need two media servers of their own (not -Dpalaver.it.kms.url)");
                return;
            }
            System.out.printf("large rooms: the room's media server %s (pid %d), the synthetic participants' %s (pid %d), GST_DEBUG %s%n",
                    room.url(), room.pid(), synthetic.url(), synthetic.pid(), quiet ? RealKms.QUIET_RTP : "as run.sh sets it");
            // with last-N at N, then every camera to every viewer (N = the largest size - 1 covers each size)
            List<String> modes = List.of(System.getProperty("bench.large.modes", "last-n,all").split(","));
            // Both servers started before any load: a start on a machine whose cores are full can take minutes.
            Map<Boolean, PayaraMicroProcess> servers = new LinkedHashMap<>();
            try {
                for (boolean limited : List.of(true, false)) {
                    if (modes.contains(limited ? "last-n" : "all")) {
                        PayaraMicroProcess server = new PayaraMicroProcess(config(room, limited ? lastN : largest - 1, largest));
                        servers.put(limited, server);
                        server.start();
                        ServerProcess.awaitReady(server.base(), READY);
                    }
                }
                for (Map.Entry<Boolean, PayaraMicroProcess> entry : servers.entrySet()) {
                    boolean limited = entry.getKey();
                    PayaraMicroProcess server = entry.getValue();
                    int n = limited ? lastN : largest - 1;
                    boolean fitted = true;
                    for (int size : sizes) {
                        if (!limited && size - 1 < lastN) {
                            // every viewer sees every camera with last-N too: the same room as measured there
                            continue;
                        }
                        if (!fitted) {
                            Row skipped = new Row(size, n, limited, -1, -1, size * (Math.min(n, size - 1) + 1), 0, Double.NaN,
                                    Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, -1, "–",
                                    "not tried: a smaller room " + (limited ? "with last-N could not be set up"
                                            : "without last-N did not fit"));
                            rows.add(skipped);
                            printRow(skipped);
                            continue;
                        }
                        Row row;
                        try {
                            row = measure(server, room, synthetic, file, size, n, limited);
                        } catch (SyntheticSideStalled e) {
                            System.out.println("  " + e.getMessage() + ": the synthetic side's media server is started again,"
                                    + " and the room set up once more");
                            synthetic.kill9();
                            synthetic.restart();
                            awaitQuiet(room, synthetic);
                            try {
                                row = measure(server, room, synthetic, file, size, n, limited);
                            } catch (SyntheticSideStalled again) {
                                row = failed(n, lastN, limited, room, size * (Math.min(n, size - 1) + 1),
                                        "twice " + again.getMessage());
                            }
                        }
                        rows.add(row);
                        printRow(row);
                        // without last-N a room that did not fit tells enough about the larger ones
                        fitted = limited ? !Double.isNaN(row.cpu())
                                : row.receiving() == row.receivers() && !row.note().contains("did not flow") && !row.note().contains("set-up");
                        if (!room.accepting()) {
                            System.out.println("  the room's media server is gone (see " + room.log() + "): starting it again");
                            room.restart();
                            Thread.sleep(5000); // Palaver reconnects on its own
                        }
                        if (!synthetic.accepting()) {
                            System.out.println("  the synthetic side's media server is gone (see " + synthetic.log() + "): starting it again");
                            synthetic.restart();
                        }
                        awaitQuiet(room, synthetic);
                    }
                }
            } finally {
                for (PayaraMicroProcess server : servers.values()) {
                    server.close();
                }
            }
        } finally {
            print();
        }
    }

    /** Until both media servers are nearly idle again (what a room left behind is released), at most 90 s. */
    static void awaitQuiet(RealKms room, RealKms synthetic) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            long a = room.cpuNanos();
            long b = synthetic.cpuNanos();
            long wall = System.nanoTime();
            Thread.sleep(2000);
            double cores = (double) (room.cpuNanos() - a + synthetic.cpuNanos() - b) / (System.nanoTime() - wall);
            if (cores < 0.1) {
                return;
            }
        }
        System.out.println("  the media servers were still busy 90 s after the room emptied");
    }

    static Map<String, String> config(RealKms room, int lastN, int largest) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("palaver.kms.url", room.url().toString());
        config.put("palaver.room.last-n", Integer.toString(lastN));
        config.put("palaver.room.max-participants", Integer.toString(Math.max(100, largest)));
        // Admission would read the machine's CPU, the synthetic side's included, and let nobody in: off.
        config.put("palaver.kms.max-cpu", "1000");
        config.put("palaver.reconnect.grace", "PT2S");
        config.put("palaver.room.empty-ttl", "PT60S");
        config.put("palaver.limits.room-creations-per-minute", "100000");
        config.put("palaver.limits.messages-per-second", "100000");
        config.put("palaver.limits.message-burst", "100000");
        return config;
    }

    /** One room of {@code n} synthetic participants, set up, measured and emptied again. */
    Row measure(PayaraMicroProcess server, RealKms room, RealKms synthKms, Path file, int n, int lastN, boolean limited)
            throws Exception {
        URI base = server.base();
        String roomId = createRoom(base);
        int shown = Math.min(lastN, n - 1);
        int receivers = n * (shown + 1);
        System.out.printf("%nlarge room: %d participants, last-n %d (%s): %d publishers, %d receivers%n",
                n, lastN, limited ? "last-N" : "every camera", n, receivers);
        long began = System.nanoTime();
        List<String> setup = new ArrayList<>();
        try (SyntheticParticipants synthetic = new SyntheticParticipants(synthKms.url(), file, true)) {
            List<Synthetic> people = new ArrayList<>();
            // ---- everyone joins and publishes picture and sound
            long budget = began + SETUP_BUDGET.toNanos();
            long deadline = Math.min(budget, System.nanoTime() + Duration.ofSeconds(60 + 3L * n).toNanos());
            try {
                for (int i = 0; i < n; i++) {
                    people.add(synthetic.join(base, roomId, "Synthetic " + i, true));
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("only " + people.size() + " of " + n + " joined and published in time");
                    }
                }
                awaitAll(people, SyntheticParticipants::sending, deadline, "publishers connected");
            } catch (RuntimeException | AssertionError e) {
                return failed(n, lastN, limited, room, receivers, "joining: " + e.getMessage());
            }
            setup.add(String.format("joined and published %.0f s", seconds(began)));
            // ---- an all-hands: two voices open and speaking, the rest muted
            for (int i = 0; i < n; i++) {
                Synthetic s = people.get(i);
                if (i < OPEN_VOICES) {
                    s.microphone(false);
                    s.speaking(true);
                } else {
                    s.microphone(true);
                }
            }
            // ---- everyone watches: the mix and a slot per camera they can see
            long subscribing = System.nanoTime();
            List<Connection> connections = new ArrayList<>();
            String cut = null; // why not every receiver was set up: then what was is measured, marked as such
            try {
                // One participant's connections at a time, as pages come in one by one; with
                // -Dbench.large.burst=true everyone's at once, as the pages of a rebuilt room send them.
                List<Map.Entry<Synthetic, Connection>> sent = new ArrayList<>();
                for (Synthetic s : people) {
                    if (System.nanoTime() > budget) {
                        cut = String.format("set-up stopped after %d s", SETUP_BUDGET.toSeconds());
                        break;
                    }
                    for (String stream : streams(shown)) {
                        sent.add(Map.entry(s, synthetic.subscribe(s, stream)));
                    }
                    if (!BURST) {
                        awaitAnswers(sent, budget, connections);
                    }
                }
                awaitAnswers(sent, budget, connections);
            } catch (RuntimeException e) {
                String why = e.getMessage() == null ? e.toString() : e.getMessage();
                cut = "set-up failed: " + (why.length() > 200 ? why.substring(0, 200) + "..." : why);
                System.out.println("  " + cut);
            }
            cut = cut == null ? null : cut + interruptions(people);
            if (connections.isEmpty()) {
                return failed(n, lastN, limited, room, receivers, "subscribing: " + cut);
            }
            setup.add(String.format("%d answers %.0f s", connections.size(), seconds(subscribing)));
            long connecting = System.nanoTime();
            deadline = System.nanoTime() + Duration.ofMillis(60_000 + 100L * receivers).toNanos();
            int receiving = awaitAll(connections, Connection::receiving, deadline, "receivers with media");
            setup.add(String.format("%d of %d receiving %.0f s", receiving, receivers, seconds(connecting)));
            System.out.println("  " + String.join(", ", setup));

            // ---- steady state: CPU over three windows, what the receivers got around them
            Thread.sleep(SETTLE.toMillis());
            double loop = mainThreadCpu(synthKms.pid(), Duration.ofSeconds(3));
            System.out.printf("  the synthetic side's main loop: %.0f %% of a core%n", loop);
            if (loop > 50) {
                throw new SyntheticSideStalled(String.format("the synthetic side's media server spins in its main loop"
                        + " (%.0f %% of a core)", loop));
            }
            List<Connection> sample = sample(connections);
            Map<Connection, Long> bytesBefore = bytes(sample);
            long sampledAt = System.nanoTime();
            List<Double> cpu = new ArrayList<>();
            List<Double> synthCpu = new ArrayList<>();
            List<Double> payaraCpu = new ArrayList<>();
            List<Double> benchCpu = new ArrayList<>();
            List<Double> machine = new ArrayList<>();
            for (int w = 0; w < WINDOWS; w++) {
                long kms = room.cpuNanos();
                long other = synthKms.cpuNanos();
                long payara = payaraCpuNanos(server);
                long own = ownCpuNanos();
                long[] busy = machineTicks();
                long wall = System.nanoTime();
                Thread.sleep(WINDOW.toMillis());
                double elapsed = System.nanoTime() - wall;
                cpu.add(100 * (room.cpuNanos() - kms) / elapsed);
                synthCpu.add(100 * (synthKms.cpuNanos() - other) / elapsed);
                payaraCpu.add(100 * (payaraCpuNanos(server) - payara) / elapsed);
                benchCpu.add(100 * (ownCpuNanos() - own) / elapsed);
                long[] after = machineTicks();
                machine.add(100.0 * Runtime.getRuntime().availableProcessors() * (after[0] - busy[0]) / (after[1] - busy[1]));
            }
            double sampledSeconds = seconds(sampledAt);
            Map<Connection, Long> bytesAfter = bytes(sample);
            List<Double> video = new ArrayList<>();
            List<Double> audio = new ArrayList<>();
            for (Connection c : sample) {
                if (bytesBefore.get(c) >= 0 && bytesAfter.get(c) >= 0) { // -1: the synthetic side did not answer
                    double kbps = 8 * (bytesAfter.get(c) - bytesBefore.get(c)) / sampledSeconds / 1000;
                    (c.video() ? video : audio).add(kbps);
                }
            }
            List<Map<String, Integer>> pipelines = room.roomPipelines();
            int endpoints = pipelines.stream().mapToInt(p -> p.getOrDefault("WebRtcEndpoint", 0)).sum();
            int composites = pipelines.stream().mapToInt(p -> p.getOrDefault("Composite", 0)).sum();
            long rss = rssMb(room.pid());
            System.out.printf("  room media server CPU %% of one core: %s; synthetic side's: %s; Payara's: %s; this JVM's: %s; machine: %s%n",
                    round(cpu), round(synthCpu), round(payaraCpu), round(benchCpu), round(machine));
            System.out.printf("  sampled receivers over %.0f s, kbps: video %s, audio %s%n", sampledSeconds, round(video), round(audio));
            double machineMedian = Stats.median(machine);
            String note = receiving < receivers ? receiving + " of " + receivers + " receivers got media" : "";
            if (cut != null) {
                note = cut + "; " + note;
            }
            double videoMedian = video.isEmpty() ? 0 : Stats.median(video);
            if (videoMedian < VIDEO_KBPS / 2.0) {
                note = (note.isEmpty() ? "" : note + "; ") + String.format("the sampled slots got %.0f kbps of the %d sent"
                        + " (%d of %d read): the media did not flow, both cores were full", videoMedian, VIDEO_KBPS,
                        video.size(), sample.stream().filter(Connection::video).count());
            }
            if (cut == null) {
                note = (note + interruptions(people)).replaceFirst("^; ", "");
            }
            note = note.replaceFirst("; $", "");
            // The synthetic side runs at a lower priority and takes what is left: the room's media
            // server was short of CPU only when it, Payara and this JVM alone filled both cores.
            double first = Stats.median(cpu) + Stats.median(payaraCpu) + Stats.median(benchCpu);
            if (first >= SATURATED) {
                note = (note.isEmpty() ? "" : note + "; ") + String.format("both cores full without the synthetic side "
                        + "(%.0f %%): the figure is what the media server got, not what it needs", first);
            } else if (machineMedian >= SATURATED && SYNTHETIC_NICE == 0) {
                note = (note.isEmpty() ? "" : note + "; ") + "both cores full: the figure is what the media server got, not what it needs";
            }
            return new Row(n, lastN, limited, endpoints, composites, receivers, receiving, Stats.median(cpu),
                    Stats.median(synthCpu), Stats.median(payaraCpu), machineMedian,
                    video.isEmpty() ? Double.NaN : Stats.median(video), audio.isEmpty() ? Double.NaN : Stats.median(audio),
                    rss, String.join(", ", setup), note);
        } finally {
            // leaving releases everyone's endpoints; the room's pipeline goes with the last one
            long emptying = System.nanoTime();
            List<Map<String, Integer>> left = awaitNoRoomPipeline(room, Duration.ofSeconds(60 + n));
            System.out.printf("  everyone left: the room's pipeline %s after %.0f s%n",
                    left.isEmpty() ? "released" : "still there: " + left, seconds(emptying));
        }
    }

    /**
     * Whether Palaver lost its session with the room's media server meanwhile (its client's
     * heartbeat went unanswered): pages are told {@code media-interrupted}, then {@code sfu-restart}.
     */
    static String interruptions(List<Synthetic> people) {
        long interrupted = people.stream().filter(s -> !s.signal().all("media-interrupted").isEmpty()).count();
        return interrupted == 0 ? "" : "; Palaver lost the media server session (" + interrupted + " of " + people.size()
                + " told media-interrupted)";
    }

    /** Waits for the answers of the connections sent and not yet awaited, within the set-up budget; moves them to {@code into}. */
    private static void awaitAnswers(List<Map.Entry<Synthetic, Connection>> sent, long budget, List<Connection> into)
            throws InterruptedException {
        for (Map.Entry<Synthetic, Connection> e : sent) {
            e.getValue().answered(Duration.ofNanos(Math.max(budget + ANSWER_GRACE.toNanos() - System.nanoTime(), 1_000_000)),
                    e.getKey().signal());
            into.add(e.getValue());
        }
        sent.clear();
    }

    /** {@code ~mix} and {@code ~slot0} ... {@code ~slot<shown - 1>}. */
    static List<String> streams(int shown) {
        List<String> streams = new ArrayList<>(List.of("~mix"));
        for (int i = 0; i < shown; i++) {
            streams.add("~slot" + i);
        }
        return streams;
    }

    /** A configuration that did not come up: what the media server held when it gave up. */
    Row failed(int n, int lastN, boolean limited, RealKms room, int receivers, String why) {
        System.out.println("  did not fit: " + why);
        int endpoints = -1;
        try {
            endpoints = room.roomPipelines().stream().mapToInt(p -> p.getOrDefault("WebRtcEndpoint", 0)).sum();
        } catch (Exception e) {
            System.out.println("  the room's media server does not answer: " + e.getMessage());
        }
        return new Row(n, lastN, limited, endpoints, -1, receivers, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                Double.NaN, Double.NaN, rssMb(room.pid()), "–", "did not fit: " + why);
    }

    /** Polls until every item passes, or the deadline; returns how many passed. */
    static <T> int awaitAll(List<T> items, java.util.function.Predicate<T> ok, long deadline, String what) throws InterruptedException {
        List<T> waiting = new ArrayList<>(items);
        while (true) {
            waiting.removeIf(item -> {
                if (System.nanoTime() > deadline) {
                    return false; // each question can take long on a full machine: none past the deadline
                }
                try {
                    return ok.test(item);
                } catch (RuntimeException e) {
                    return false; // asked while busy: again next round
                }
            });
            if (waiting.isEmpty() || System.nanoTime() > deadline) {
                if (!waiting.isEmpty()) {
                    System.out.printf("  %d of %d %s by the deadline%n", items.size() - waiting.size(), items.size(), what);
                }
                return items.size() - waiting.size();
            }
            Thread.sleep(500);
        }
    }

    /** Up to 40 slot receivers and 10 mixes, spread over the room. */
    static List<Connection> sample(List<Connection> connections) {
        List<Connection> sample = new ArrayList<>();
        sample.addAll(spread(connections.stream().filter(Connection::video).toList(), 40));
        sample.addAll(spread(connections.stream().filter(c -> !c.video()).toList(), 10));
        return sample;
    }

    static <T> List<T> spread(List<T> all, int want) {
        List<T> some = new ArrayList<>();
        int step = Math.max(1, all.size() / want);
        for (int i = 0; i < all.size() && some.size() < want; i += step) {
            some.add(all.get(i));
        }
        return some;
    }

    /** What each receiver of the sample got so far; -1 for those not read within 30 s in all. */
    static Map<Connection, Long> bytes(List<Connection> sample) {
        Map<Connection, Long> bytes = new HashMap<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        for (Connection c : sample) {
            try {
                bytes.put(c, System.nanoTime() < deadline ? c.bytesReceived() : -1L);
            } catch (RuntimeException e) {
                bytes.put(c, -1L);
            }
        }
        return bytes;
    }

    static List<Map<String, Integer>> awaitNoRoomPipeline(RealKms room, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        List<Map<String, Integer>> seen = List.of();
        while (System.nanoTime() < deadline) {
            try {
                seen = room.roomPipelines();
                if (seen.isEmpty()) {
                    return seen;
                }
            } catch (Exception e) {
                seen = List.of(Map.of("unreadable: " + e.getMessage(), 0));
            }
            Thread.sleep(500);
        }
        return seen;
    }

    /**
     * Now and then (on this machine, in about a third of the runs) the synthetic side's media
     * server's main thread turns to dispatching its pipeline's bus messages without pause, a whole
     * core of it, and its media stops flowing: then nothing of the room can be measured.
     */
    static final class SyntheticSideStalled extends RuntimeException {
        SyntheticSideStalled(String message) {
            super(message);
        }
    }

    /** CPU of a process's main thread over {@code during}, in % of one core (/proc, clock ticks of 10 ms). */
    static double mainThreadCpu(long pid, Duration during) throws InterruptedException {
        long before = threadTicks(pid);
        long wall = System.nanoTime();
        Thread.sleep(during.toMillis());
        return 100.0 * (threadTicks(pid) - before) * 10_000_000L / (System.nanoTime() - wall);
    }

    static long threadTicks(long pid) {
        try {
            String[] f = RealKms.statFields(Path.of("/proc/" + pid + "/task/" + pid + "/stat"));
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (Exception e) {
            return 0;
        }
    }

    static long ownCpuNanos() {
        return ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }

    static long payaraCpuNanos(PayaraMicroProcess server) {
        return ProcessHandle.of(server.pid()).flatMap(h -> h.info().totalCpuDuration()).map(Duration::toNanos).orElse(0L);
    }

    /** The machine's busy and total clock ticks so far, over all cores (/proc/stat). */
    static long[] machineTicks() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < Math.min(f.length, 9); i++) { // user nice system idle iowait irq softirq steal
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            return new long[] {total - idle, total};
        } catch (Exception e) {
            return new long[] {0, 1};
        }
    }

    /** Resident memory of a process in MB, -1 when unknown. */
    static long rssMb(long pid) {
        try {
            return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream().filter(l -> l.startsWith("VmRSS:"))
                    .map(l -> Long.parseLong(l.replaceAll("\\D", "")) / 1024).findFirst().orElse(-1L);
        } catch (Exception e) {
            return -1;
        }
    }

    String createRoom(URI base) throws Exception {
        String body = http.send(HttpRequest.newBuilder(base.resolve("api/rooms")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return Json.createReader(new StringReader(body)).readObject().getString("id");
    }

    static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    static String round(List<Double> values) {
        return values.stream().map(v -> String.format("%.1f", v)).toList().toString();
    }

    void printRow(Row r) {
        System.out.println("  " + line(r));
    }

    String line(Row r) {
        Row ref = rows.stream().filter(o -> o.n() == r.n() && o.limited() && !Double.isNaN(o.cpu())).findFirst().orElse(null);
        String ratio = r.limited() || ref == null || Double.isNaN(r.cpu()) ? "–" : String.format("%.2f", r.cpu() / ref.cpu());
        String formula = r.shown() < r.n() - 1
                ? String.format("%d·(%d+2) = %d", r.n(), r.lastN(), r.expected())
                : String.format("%d + %d·%d + %d = %d", r.n(), r.n(), r.n() - 1, r.n(), r.expected());
        return String.format("| %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |",
                r.n(), r.limited() ? r.lastN() : r.lastN() + " (all)",
                r.endpoints() < 0 ? "–" : r.endpoints() + (r.composites() > 0 ? " + " + r.composites() + " Composite" : ""),
                formula, r.receivers() == r.receiving() ? Integer.toString(r.receivers()) : r.receiving() + " of " + r.receivers(),
                fmt(r.cpu()), ratio, fmt(r.synthCpu()), fmt(r.machine()), fmt(r.videoKbps()) + " / " + fmt(r.audioKbps()),
                r.rssMb() < 0 ? "–" : r.rssMb() + " MB", r.note().isEmpty() ? r.setup() : r.note() + " (" + r.setup() + ")");
    }

    void print() {
        System.out.println();
        System.out.println("| participants | N | room WebRTC endpoints | expected | receivers with media | media server CPU, % of one core"
                + " (median of 3 x 10 s) | vs last-N | synthetic side's media server CPU | machine busy, % of one core (of 200)"
                + " | kbps per slot / mix receiver (median) | media server memory | notes |");
        System.out.println("| ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
        rows.forEach(r -> System.out.println(line(r)));
    }

    static String fmt(double v) {
        return Double.isNaN(v) ? "–" : String.format("%.0f", v);
    }
}
