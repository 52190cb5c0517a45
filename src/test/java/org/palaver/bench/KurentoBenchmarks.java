package org.palaver.bench;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.kurento.client.CertificateKeyType;
import org.kurento.client.KurentoClient;
import org.kurento.client.MediaPipeline;
import org.kurento.client.WebRtcEndpoint;
import org.palaver.it.Browser;
import org.palaver.it.PayaraMicroProcess;
import org.palaver.it.RealKms;
import org.palaver.it.ServerProcess;
import org.palaver.it.SignalClient;

/**
 * Kurento mode against mesh mode, side by side in one run (docs/benchmarks.md): two Payara Micro
 * processes with the built WAR, one without a media server and one with a real Kurento Media
 * Server ({@link RealKms}). Measures time to the first decoded frame, the media server's restart
 * recovery, its CPU per forwarded stream and Palaver's own cost per join; with
 * {@code -Dbench.kurento.parts=large-room}, the media server's CPU for rooms of 10 to 50 synthetic
 * participants with last-N and without ({@link LargeRooms}); with {@code audio}, three ways to give
 * everyone the room's sound, on the media server alone ({@link AudioOptions}). Part of
 * {@code mvn -B -Pbench package}; {@code -Dbench.skipKurento=true} leaves it out.
 */
public final class KurentoBenchmarks {

    static final int ROUNDS = 5;
    static final int JOIN_ROOMS = 20;
    static final int JOIN_PER_ROOM = 5;
    static final Duration UI = Duration.ofSeconds(60);

    final HttpClient http = HttpClient.newHttpClient();
    final Map<String, List<Double>> mesh = new LinkedHashMap<>();
    final Map<String, List<Double>> kurento = new LinkedHashMap<>();

    public static void main(String[] args) throws Exception {
        new KurentoBenchmarks().run();
        System.exit(0);
    }

    void run() throws Exception {
        Set<String> parts = Set.of(System.getProperty("bench.kurento.parts", "first-frame,joins,endpoint,cpu,recovery").split(","));
        if (parts.contains("large-room")) {
            new LargeRooms().run(); // media servers and servers of its own, one configuration after another
        }
        if (parts.contains("audio")) {
            new AudioOptions().run(); // two media servers of its own, no Palaver
        }
        if (parts.stream().allMatch(p -> p.equals("large-room") || p.equals("audio"))) {
            return;
        }
        try {
            measure(parts);
        } finally {
            print(); // what was measured before a failure still counts
        }
    }

    void measure(Set<String> parts) throws Exception {
        Map<String, String> config = Map.of(
                "palaver.reconnect.grace", "PT2S",
                "palaver.room.empty-ttl", "PT60S",
                "palaver.limits.room-creations-per-minute", "100000",
                "palaver.limits.messages-per-second", "100000",
                "palaver.limits.message-burst", "100000");
        try (RealKms kms = RealKms.startOrSkip();
             PayaraMicroProcess meshServer = new PayaraMicroProcess(config);
             PayaraMicroProcess kmsServer = new PayaraMicroProcess(with(config, "palaver.kms.url", kms.url().toString()))) {
            meshServer.start();
            kmsServer.start();
            ServerProcess.awaitReady(kmsServer.base(), UI);
            if (parts.contains("first-frame")) {
                // One round each first, not counted: a server that has run a while has its code compiled.
                System.out.println("warm-up round");
                firstFrame(meshServer.base(), new LinkedHashMap<>(), false);
                firstFrame(kmsServer.base(), new LinkedHashMap<>(), false);
            }
            int rounds = Integer.getInteger("bench.kurento.rounds", ROUNDS);
            for (int round = 0; parts.contains("first-frame") && round < rounds; round++) {
                System.out.printf("round %d of %d%n", round + 1, rounds);
                firstFrame(meshServer.base(), mesh, false);
                firstFrame(kmsServer.base(), kurento, true);
            }
            if (parts.contains("joins")) {
                String offer = checkedOffer(sendOnlyOffer(meshServer.base()));
                for (int round = 0; round < 3; round++) {
                    joins(meshServer.base(), null, mesh);
                    joins(kmsServer.base(), offer, kurento);
                }
            }
            if (parts.contains("endpoint")) {
                endpointKeys(kms, checkedOffer(sendOnlyOffer(meshServer.base())));
            }
            if (parts.contains("cpu")) {
                mediaServerCpu(kmsServer.base(), kms);
            }
            for (int round = 0; parts.contains("recovery") && round < ROUNDS; round++) {
                recovery(kmsServer.base(), kms);
            }
        }
    }

    // ---- join click to first decoded remote frame, third person joining ------------------------

    void firstFrame(URI base, Map<String, List<Double>> into, boolean showTimeline) throws Exception {
        String url = base + "room/" + createRoom(base);
        List<Browser> people = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                people.add(new Browser("bench-" + i));
            }
            people.get(0).join(url, "Alice", UI);
            people.get(1).join(url, "Bob", UI);
            people.get(0).assertDecodingFrom(1, UI);
            Browser carol = people.get(2);
            carol.join(url, "Carol", UI);
            record(into, "join click to first remote frame ms (3rd person)", carol.clickToFirstFrame(UI));
            if (showTimeline) {
                System.out.println("  Kurento, the third person's connections:" + carol.timeline());
            }
        } finally {
            people.forEach(Browser::close);
        }
    }

    // ---- media server restart: accepting again to frames at every page ------------------------

    void recovery(URI base, RealKms kms) throws Exception {
        String url = base + "room/" + createRoom(base);
        List<Browser> people = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                people.add(new Browser("bench-crash-" + i));
            }
            people.get(0).join(url, "Alice", UI);
            people.get(1).join(url, "Bob", UI);
            List<Long> before = new ArrayList<>();
            for (Browser b : people) {
                b.assertDecodingFrom(1, UI);
                before.add(b.peerCount());
            }
            kms.kill9();
            for (Browser b : people) {
                b.waiting(UI).until(d -> "reconnecting".equals(b.connectionStatus()));
            }
            kms.restart();
            long accepting = System.nanoTime();
            for (int i = 0; i < people.size(); i++) {
                Browser b = people.get(i);
                long since = before.get(i);
                b.waiting(UI).until(d -> b.framesDecoded(since).stream().anyMatch(n -> n > 0));
            }
            double ms = (System.nanoTime() - accepting) / 1e6;
            record(kurento, "media server restart: accepting to frames at both pages ms", ms);
            System.out.printf("  recovery %.0f ms%n", ms);
        } finally {
            people.forEach(Browser::close);
        }
    }

    // ---- the media server's CPU per forwarded video stream -------------------------------------

    void mediaServerCpu(URI base, RealKms kms) throws Exception {
        String url = base + "room/" + createRoom(base);
        List<Browser> people = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                people.add(new Browser("bench-cpu-" + i));
            }
            for (Browser b : people) {
                b.join(url, b.label, UI);
            }
            for (Browser b : people) {
                b.assertDecodingFrom(2, UI);
            }
            Thread.sleep(3000); // past the start, at the steady bit rate
            for (int round = 0; round < 3; round++) {
                long cpu = kms.cpuNanos();
                long wall = System.nanoTime();
                Thread.sleep(10_000);
                double cores = (double) (kms.cpuNanos() - cpu) / (System.nanoTime() - wall);
                // three people: three streams in, six out (audio and video each)
                record(kurento, "media server CPU per forwarded stream, % of a core", 100 * cores / 6);
            }
        } finally {
            people.forEach(Browser::close);
        }
    }

    // ---- Palaver's own cost per join ------------------------------------------------------------

    /** Rooms one after another, five joining each at once; Kurento: each also publishes and waits for the answer. */
    void joins(URI base, String offer, Map<String, List<Double>> into) throws Exception {
        List<Long> times = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(JOIN_PER_ROOM);
        long began = System.nanoTime();
        try {
            for (int r = 0; r < JOIN_ROOMS; r++) {
                String room = createRoom(base);
                List<Future<SignalClient>> joining = new ArrayList<>();
                for (int i = 0; i < JOIN_PER_ROOM; i++) {
                    int n = i;
                    joining.add(pool.submit(() -> {
                        long start = System.nanoTime();
                        SignalClient c = SignalClient.join(base, room, "P" + n);
                        if (offer != null) {
                            c.send(Json.createObjectBuilder().add("type", "publish").add("sdp", offer).build().toString());
                            c.await("sfu-answer");
                        }
                        synchronized (times) {
                            times.add(System.nanoTime() - start);
                        }
                        return c;
                    }));
                }
                for (Future<SignalClient> f : joining) {
                    f.get().close();
                }
            }
        } finally {
            pool.shutdownNow();
        }
        double seconds = (System.nanoTime() - began) / 1e9;
        long[] ns = times.stream().mapToLong(Long::longValue).toArray();
        String what = offer == null ? "join to joined" : "join to joined and publish to sfu-answer";
        record(into, "joins/s (" + JOIN_ROOMS + " rooms x " + JOIN_PER_ROOM + ", " + what + ")", times.size() / seconds);
        record(into, "join p50 ms (" + what + ")", Stats.percentile(ns, 50) / 1e6);
        record(into, "join p99 ms (" + what + ")", Stats.percentile(ns, 99) / 1e6);
        Thread.sleep(3000); // the left rooms release their media
    }

    // ---- the media server's cost of one endpoint: made, then answering an offer, per key type ----

    /**
     * What the media server takes to make a WebRtcEndpoint and answer a browser's offer, with the
     * RSA key it makes by default against the ECDSA key Palaver asks for; alternating, 20 each.
     */
    void endpointKeys(RealKms kms, String offer) {
        KurentoClient client = KurentoClient.create(kms.url().toString());
        try {
            MediaPipeline pipeline = client.createMediaPipeline();
            Map<CertificateKeyType, List<Double>> ms = new LinkedHashMap<>();
            for (int i = 0; i < 21; i++) {
                for (CertificateKeyType type : List.of(CertificateKeyType.RSA, CertificateKeyType.ECDSA)) {
                    long start = System.nanoTime();
                    WebRtcEndpoint endpoint = new WebRtcEndpoint.Builder(pipeline).withCertificateKeyType(type).build();
                    endpoint.processOffer(offer);
                    double took = (System.nanoTime() - start) / 1e6;
                    endpoint.release();
                    if (i > 0) { // the first of each is warm-up
                        ms.computeIfAbsent(type, t -> new ArrayList<>()).add(took);
                    }
                }
            }
            pipeline.release();
            double rsa = Stats.median(ms.get(CertificateKeyType.RSA));
            double ecdsa = Stats.median(ms.get(CertificateKeyType.ECDSA));
            System.out.printf("| media server: endpoint made and offer answered, ms (n=20) | RSA %s | ECDSA %s | ratio %.2f |%n",
                    fmt(rsa), fmt(ecdsa), ecdsa / rsa);
            ms.forEach((type, values) -> System.out.println("  all " + type + " endpoint ms: " + values));
        } finally {
            client.destroy();
        }
    }

    // ---- helpers -----------------------------------------------------------------------------

    /** A send-only audio+video offer as Chromium makes it, for the media server to answer. */
    static String sendOnlyOffer(URI page) throws Exception {
        try (Browser b = new Browser("bench-offer")) {
            b.open(page.toString()); // a secure context (loopback), where cameras may be asked for
            return (String) b.driver.executeAsyncScript("""
                    const done = arguments[arguments.length - 1];
                    (async () => {
                      const stream = await navigator.mediaDevices.getUserMedia({audio: true, video: true});
                      const pc = new RTCPeerConnection();
                      stream.getTracks().forEach((t) => pc.addTransceiver(t, {direction: 'sendonly', streams: [stream]}));
                      const offer = await pc.createOffer();
                      done(offer.sdp);
                    })().catch((e) => done('failed: ' + e));""");
        }
    }

    static String checkedOffer(String sdp) {
        if (!sdp.startsWith("v=0")) {
            throw new IllegalStateException("no offer from the browser: " + sdp);
        }
        return sdp;
    }

    String createRoom(URI base) throws Exception {
        String body = http.send(HttpRequest.newBuilder(base.resolve("api/rooms")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        JsonObject room = Json.createReader(new StringReader(body)).readObject();
        return room.getString("id");
    }

    static Map<String, String> with(Map<String, String> config, String key, String value) {
        Map<String, String> more = new LinkedHashMap<>(config);
        more.put(key, value);
        return more;
    }

    static void record(Map<String, List<Double>> into, String metric, double value) {
        into.computeIfAbsent(metric, m -> new ArrayList<>()).add(value);
    }

    void print() {
        System.out.println();
        System.out.println("| metric (median) | Kurento | mesh | ratio |");
        System.out.println("| --- | ---: | ---: | ---: |");
        List<String> metrics = new ArrayList<>(kurento.keySet());
        mesh.keySet().stream().filter(m -> !metrics.contains(m)).forEach(metrics::add);
        for (String metric : metrics) {
            List<Double> k = kurento.get(metric);
            List<Double> m = mesh.get(metric);
            double km = k == null ? Double.NaN : Stats.median(k);
            double mm = m == null ? Double.NaN : Stats.median(m);
            System.out.printf("| %s (n=%d) | %s | %s | %s |%n", metric, k == null ? m.size() : k.size(), fmt(km), fmt(mm),
                    k == null || m == null ? "–" : String.format("%.2f", km / mm));
        }
        kurento.forEach((metric, values) -> System.out.println("  all Kurento " + metric + ": " + values));
        mesh.forEach((metric, values) -> System.out.println("  all mesh " + metric + ": " + values));
    }

    static String fmt(double v) {
        return Double.isNaN(v) ? "–" : v >= 100 ? String.format("%,.0f", v) : String.format("%.2f", v);
    }
}
