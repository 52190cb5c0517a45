package org.palaver.bench;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.File;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.palaver.bench.baseline.BareRelay;
import org.palaver.bench.baseline.BareRooms;
import org.palaver.it.Browser;
import org.palaver.it.PayaraMicroProcess;

/**
 * Signaling benchmarks against the built WAR on Payara Micro, with a bare JSR-356 relay deployed
 * beside it on the same server as the yardstick (see docs/benchmarks.md). Loopback only, bounded
 * in count and time. {@code mvn -B -Pbench package}.
 */
public final class Benchmarks {

    static final int RUNS = 3;
    static final int JOIN_ROOMS = 100;
    static final int JOIN_PER_ROOM = 10;
    static final int PAIRS = 10;
    static final int[] RATES = {1000, 2000, 4000, 8000, 16000};
    static final Duration STEP = Duration.ofSeconds(4);
    static final int IDLE_CONNECTIONS = 5000;
    static final double LATENCY_LIMIT_MS = 50;

    final HttpClient http = HttpClient.newHttpClient();
    final Map<String, List<Double>> ours = new LinkedHashMap<>();
    final Map<String, List<Double>> bare = new LinkedHashMap<>();
    URI base;
    long pid;

    public static void main(String[] args) throws Exception {
        new Benchmarks().run();
        System.exit(0); // the HTTP client's sockets must not keep the JVM up
    }

    void run() throws Exception {
        Path war = Path.of(System.getProperty("palaver.war", "target/palaver.war"));
        Path baseline = baselineWar(war.getParent());
        List<Double> startups = new ArrayList<>();
        for (int i = 0; i < RUNS; i++) {
            try (PayaraMicroProcess alone = new PayaraMicroProcess(Map.of())) {
                startups.add((double) alone.start().toMillis());
            }
        }
        Map<String, String> config = Map.of(
                "palaver.secret", "benchmark-secret",
                "palaver.mesh.max-participants", "10",
                "palaver.reconnect.grace", "PT1S",
                "palaver.room.empty-ttl", "PT30S", // long enough for browsers to start before anyone has joined
                "palaver.limits.room-creations-per-minute", "100000000",
                "palaver.limits.max-connections", "100000",
                "palaver.limits.connections-per-address", "100000", // every benchmark socket comes from loopback
                "palaver.limits.messages-per-second", "100000000",
                "palaver.limits.message-burst", "100000000");
        try (PayaraMicroProcess server = new PayaraMicroProcess(config, List.of(baseline.toString()))) {
            server.start();
            base = server.base();
            pid = server.pid();
            warmUp();
            if (!Boolean.getBoolean("bench.skipBrowsers")) {
                for (int people : new int[] {2, 4, 6}) {
                    for (int run = 0; run < RUNS; run++) {
                        firstFrame(people);
                    }
                }
            }
            for (int run = 1; run <= RUNS; run++) {
                System.out.printf("run %d of %d%n", run, RUNS);
                joins(true);
                joins(false);
                relay(true);
                relay(false);
                capacity(true);
                capacity(false);
            }
        }
        print(startups, Files.size(war));
    }

    // ---- join latency ----------------------------------------------------------------------

    void joins(boolean palaver) throws Exception {
        long[] latencies = new long[JOIN_ROOMS * JOIN_PER_ROOM];
        List<BenchSocket> open = new ArrayList<>();
        int k = 0;
        for (int r = 0; r < JOIN_ROOMS; r++) {
            URI uri = roomUri(palaver, palaver ? createRoom() : "join-" + System.nanoTime());
            List<CompletableFuture<Long>> joins = new ArrayList<>();
            for (int p = 0; p < JOIN_PER_ROOM; p++) {
                CompletableFuture<Long> joined = new CompletableFuture<>();
                long start = System.nanoTime();
                BenchSocket socket = BenchSocket.open(http, uri, text -> {
                    if (text.contains("\"joined\"")) {
                        joined.complete(System.nanoTime() - start);
                    }
                }).join();
                if (palaver) {
                    socket.send("{\"type\":\"join\",\"name\":\"Bench " + p + "\"}");
                }
                open.add(socket);
                joins.add(joined);
            }
            for (CompletableFuture<Long> joined : joins) {
                latencies[k++] = joined.get(30, TimeUnit.SECONDS);
            }
        }
        open.forEach(BenchSocket::close);
        String who = palaver ? "ours" : "bare";
        record(palaver, "join p50 ms", Stats.percentile(latencies, 50) / 1e6);
        record(palaver, "join p95 ms", Stats.percentile(latencies, 95) / 1e6);
        record(palaver, "join p99 ms", Stats.percentile(latencies, 99) / 1e6);
        System.out.printf("  joins %s: p50 %.2f ms, p99 %.2f ms%n", who, Stats.percentile(latencies, 50) / 1e6,
                Stats.percentile(latencies, 99) / 1e6);
        Thread.sleep(3000);
    }

    // ---- relay latency and throughput --------------------------------------------------------

    void relay(boolean palaver) throws Exception {
        RelayPairs pairs = RelayPairs.open(http, PAIRS,
                i -> roomUri(palaver, palaver ? createRoom() : "pair-" + i + "-" + System.nanoTime()), palaver);
        Thread.sleep(500);
        double sustained = 0;
        for (int rate : RATES) {
            pairs.reset();
            RelayPairs.Burst burst = pairs.send(rate, STEP);
            Thread.sleep(1000);
            long[] values = pairs.latencies();
            double p50 = Stats.percentile(values, 50) / 1e6;
            double p99 = Stats.percentile(values, 99) / 1e6;
            long lost = burst.sent() - pairs.received();
            record(palaver, "relay p50 ms @" + rate + "/s", p50);
            record(palaver, "relay p99 ms @" + rate + "/s", p99);
            System.out.printf("  relay %s @%d/s: p50 %.2f ms, p99 %.2f ms, lost %d of %d%s%n", palaver ? "ours" : "bare", rate, p50,
                    p99, lost, burst.sent(), burst.closedBy() == null ? "" : ", a socket was closed: " + burst.closedBy());
            if (burst.closedBy() == null && lost == 0 && p99 < LATENCY_LIMIT_MS) {
                sustained = rate;
            } else {
                break;
            }
        }
        record(palaver, "relay sustained msg/s (no loss, p99 < 50 ms)", sustained);
        pairs.close();
        Thread.sleep(3000);
    }

    // ---- idle capacity -----------------------------------------------------------------------

    void capacity(boolean palaver) throws Exception {
        long before = ServerHeap.usedAfterGcBytes(pid);
        List<BenchSocket> open = new ArrayList<>();
        Semaphore inFlight = new Semaphore(64);
        CountDownLatch done = new CountDownLatch(IDLE_CONNECTIONS);
        AtomicLong ok = new AtomicLong();
        String room = null;
        for (int i = 0; i < IDLE_CONNECTIONS; i++) {
            if (i % 8 == 0) {
                room = palaver ? createRoom() : "idle-" + i + "-" + System.nanoTime();
            }
            URI uri = roomUri(palaver, room);
            inFlight.acquire();
            BenchSocket socket;
            try {
                socket = BenchSocket.open(http, uri, text -> {
                    if (text.contains("\"joined\"")) {
                        ok.incrementAndGet();
                        inFlight.release();
                        done.countDown();
                    }
                }).get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                inFlight.release();
                done.countDown();
                continue;
            }
            if (palaver) {
                socket.send("{\"type\":\"join\",\"name\":\"Idle\"}");
            }
            synchronized (open) {
                open.add(socket);
            }
        }
        done.await(60, TimeUnit.SECONDS);
        long after = ServerHeap.usedAfterGcBytes(pid);
        double perConnectionKiB = (after - before) / 1024.0 / Math.max(1, ok.get());
        record(palaver, "idle connections held", ok.get());
        record(palaver, "heap per idle connection KiB", perConnectionKiB);
        System.out.printf("  capacity %s: %d connections, %.1f KiB heap each%n", palaver ? "ours" : "bare", ok.get(), perConnectionKiB);
        open.forEach(BenchSocket::close);
        Thread.sleep(6000);
    }

    // ---- browser: join click to first decoded remote frame ------------------------------------

    void firstFrame(int people) throws Exception {
        String url = base + "room/" + createRoom();
        List<Browser> browsers = new ArrayList<>();
        try {
            for (int i = 0; i < people; i++) {
                browsers.add(new Browser("p" + i));
            }
            for (int i = 0; i < people - 1; i++) {
                join(browsers.get(i), url, "P" + i);
            }
            Browser last = browsers.get(people - 1);
            last.open(url);
            last.waiting(Duration.ofSeconds(30)).until(d -> last.byTestId("display-name").isDisplayed()
                    && ((Number) last.script("return document.querySelector('[data-testid=\"preview\"]').videoWidth")).intValue() > 0);
            last.byTestId("display-name").sendKeys("Last");
            long clicked = System.nanoTime();
            last.byTestId("join").click();
            last.waiting(Duration.ofSeconds(60)).until(d -> last.framesDecoded().stream().anyMatch(n -> n > 0));
            double ms = (System.nanoTime() - clicked) / 1e6;
            record(true, "browser: join click to first remote frame ms, " + people + " people", ms);
            System.out.printf("  first frame with %d people: %.0f ms%n", people, ms);
        } finally {
            browsers.forEach(Browser::close);
        }
    }

    static void join(Browser b, String url, String name) {
        b.open(url);
        b.waiting(Duration.ofSeconds(30)).until(d -> b.byTestId("display-name").isDisplayed());
        b.byTestId("display-name").sendKeys(name);
        b.byTestId("join").click();
        b.waiting(Duration.ofSeconds(30)).until(d -> "connected".equals(b.byTestId("connection-status").getAttribute("data-state")));
    }

    // ---- helpers -----------------------------------------------------------------------------

    void warmUp() throws Exception {
        for (boolean palaver : new boolean[] {true, false}) {
            List<BenchSocket> sockets = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                URI uri = roomUri(palaver, palaver ? createRoom() : "warm-" + i);
                sockets.add(BenchSocket.open(http, uri, text -> { }).join());
                if (palaver) {
                    sockets.get(i).send("{\"type\":\"join\",\"name\":\"Warm\"}");
                }
            }
            Thread.sleep(500);
            sockets.forEach(BenchSocket::close);
        }
        Thread.sleep(3000);
    }

    URI roomUri(boolean palaver, String room) {
        String ws = base.toString().replaceFirst("^http", "ws");
        return URI.create(palaver ? ws + "signal/" + room : ws + "baseline/relay/" + room);
    }

    String createRoom() throws Exception {
        String body = http.send(HttpRequest.newBuilder(base.resolve("api/rooms")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return Json.createReader(new StringReader(body)).readObject().getString("id");
    }

    static String selfId(String joined) {
        JsonObject message = Json.createReader(new StringReader(joined)).readObject();
        return message.getJsonObject("self").getString("id");
    }

    void record(boolean palaver, String metric, double value) {
        (palaver ? ours : bare).computeIfAbsent(metric, m -> new ArrayList<>()).add(value);
    }

    static Path baselineWar(Path dir) {
        File file = dir.resolve("baseline.war").toFile();
        ShrinkWrap.create(WebArchive.class, "baseline.war")
                .addClasses(BareRelay.class, BareRooms.class)
                .addAsWebInfResource(new StringAsset("<beans xmlns=\"https://jakarta.ee/xml/ns/jakartaee\" version=\"4.0\" "
                        + "bean-discovery-mode=\"annotated\"/>"), "beans.xml")
                .addAsWebInfResource(new StringAsset("<glassfish-web-app><context-root>/baseline</context-root></glassfish-web-app>"),
                        "glassfish-web.xml")
                .as(ZipExporter.class).exportTo(file, true);
        return file.toPath();
    }

    void print(List<Double> startups, long warBytes) {
        System.out.println();
        System.out.printf("Machine: %d cores, %.1f GiB max heap for the client JVM, Java %s%n",
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() / 1073741824.0,
                System.getProperty("java.version"));
        System.out.printf("| metric (median of %d runs) | Palaver | bare relay | ratio |%n", RUNS);
        System.out.println("| --- | ---: | ---: | ---: |");
        for (Map.Entry<String, List<Double>> entry : ours.entrySet()) {
            double mine = Stats.median(entry.getValue());
            List<Double> theirs = bare.get(entry.getKey());
            if (theirs == null) {
                System.out.printf("| %s | %.2f | – | – |%n", entry.getKey(), mine);
            } else {
                double yardstick = Stats.median(theirs);
                System.out.printf("| %s | %.2f | %.2f | %.2f |%n", entry.getKey(), mine, yardstick, mine / yardstick);
            }
        }
        System.out.printf("| startup to first 200 on / (ms) | %.0f | – | – |%n", Stats.median(startups));
        System.out.printf("| WAR size (KiB) | %.0f | – | – |%n", warBytes / 1024.0);
    }
}
