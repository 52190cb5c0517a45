package org.palaver.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.palaver.it.PayaraMicroProcess;

/**
 * What the extra hop costs when a socket reaches another node than its room's: two Payara Micro
 * nodes of one cluster on loopback, every room created on node A, and the same joins and relayed
 * messages measured, alternately in each round, with the sockets on A (the room's node, as on a
 * single node) and on B (each frame crosses the grid to A and each answer back). Medians over the
 * rounds of each round's percentiles. {@code mvn -B -Pbench package -Dbench.skipSignaling=true
 * -Dbench.skipKurento=true} runs this part alone (docs/benchmarks.md).
 */
public final class ClusterBenchmarks {

    static final int ROUNDS = Integer.getInteger("bench.cluster.rounds", 5);
    static final int JOIN_ROOMS = 40;
    static final int JOIN_PER_ROOM = 5;
    static final int PAIRS = 10;
    static final int RATE = Integer.getInteger("bench.cluster.rate", 1000);
    static final Duration STEP = Duration.ofSeconds(4);

    private final HttpClient http = HttpClient.newHttpClient();
    private final Map<String, List<Double>> figures = new LinkedHashMap<>();
    private URI a;
    private URI b;

    public static void main(String[] args) throws Exception {
        new ClusterBenchmarks().run();
        System.exit(0); // the HTTP client's sockets must not keep the JVM up
    }

    void run() throws Exception {
        int portA = freePort();
        int portB = freePort();
        String members = "127.0.0.1:" + portA + ",127.0.0.1:" + portB;
        try (PayaraMicroProcess nodeA = new PayaraMicroProcess(config(members, portA));
             PayaraMicroProcess nodeB = new PayaraMicroProcess(config(members, portB))) {
            ExecutorService boots = Executors.newFixedThreadPool(2);
            List<Future<Duration>> started = List.of(boots.submit(nodeA::start), boots.submit(nodeB::start));
            for (Future<Duration> boot : started) {
                boot.get();
            }
            boots.shutdown();
            a = nodeA.base();
            b = nodeB.base();
            awaitGrid();
            System.out.println("warming up");
            joins(b, false);
            relay(b, false);
            joins(a, false);
            relay(a, false);
            for (int round = 1; round <= ROUNDS; round++) {
                System.out.printf("round %d of %d%n", round, ROUNDS);
                // alternate which goes first, so neither always follows the other's garbage
                boolean aFirst = round % 2 == 1;
                for (URI node : aFirst ? List.of(a, b) : List.of(b, a)) {
                    joins(node, true);
                }
                for (URI node : aFirst ? List.of(a, b) : List.of(b, a)) {
                    relay(node, true);
                }
            }
        }
        print();
    }

    private static Map<String, String> config(String members, int clusterPort) {
        return Map.ofEntries(
                Map.entry("palaver.cluster.members", members),
                Map.entry("palaver.cluster.port", Integer.toString(clusterPort)),
                Map.entry("palaver.cluster.name", "palaver-bench"),
                Map.entry("palaver.cluster.secret", "cluster-benchmark-secret-0123456789abcdef"),
                Map.entry("palaver.secret", "benchmark-secret"),
                Map.entry("palaver.mesh.max-participants", "10"),
                Map.entry("palaver.reconnect.grace", "PT1S"),
                Map.entry("palaver.limits.room-creations-per-minute", "100000000"),
                Map.entry("palaver.limits.max-connections", "100000"),
                Map.entry("palaver.limits.connections-per-address", "100000"),
                Map.entry("palaver.limits.messages-per-second", "100000000"),
                Map.entry("palaver.limits.message-burst", "100000000"));
    }

    /** Until B sees a room A made: both joined one grid. */
    private void awaitGrid() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            HttpResponse<String> created = http.send(HttpRequest.newBuilder(a.resolve("api/rooms"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            if (created.statusCode() != 201) {
                Thread.sleep(500); // A has not joined its grid yet
                continue;
            }
            String room = created.body().replaceAll(".*\"id\":\"([^\"]+)\".*", "$1");
            if (http.send(HttpRequest.newBuilder(b.resolve("api/rooms/" + room)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                return;
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("node B never saw node A's rooms: the two did not form one grid");
    }

    private String label(URI node) {
        return node.equals(a) ? "socket on the room's node" : "socket on the other node";
    }

    /** Sockets on {@code node} joining rooms of A's, a few per room; from opening the socket to its joined. */
    void joins(URI node, boolean count) throws Exception {
        long[] latencies = new long[JOIN_ROOMS * JOIN_PER_ROOM];
        List<BenchSocket> open = new ArrayList<>();
        int k = 0;
        for (int r = 0; r < JOIN_ROOMS; r++) {
            URI uri = signal(node, createRoom());
            for (int p = 0; p < JOIN_PER_ROOM; p++) {
                CompletableFuture<Long> joined = new CompletableFuture<>();
                long start = System.nanoTime();
                BenchSocket socket = BenchSocket.open(http, uri, text -> {
                    if (text.contains("\"joined\"")) {
                        joined.complete(System.nanoTime() - start);
                    }
                }).join();
                socket.send("{\"type\":\"join\",\"name\":\"Bench " + p + "\"}");
                open.add(socket);
                latencies[k++] = joined.get(30, TimeUnit.SECONDS);
            }
        }
        open.forEach(BenchSocket::close);
        if (count) {
            record("join p50 ms", node, Stats.percentile(latencies, 50) / 1e6);
            record("join p99 ms", node, Stats.percentile(latencies, 99) / 1e6);
        }
        Thread.sleep(2000);
    }

    /** Pairs in rooms of A's, both sockets on {@code node}: offers at a steady rate, from sending to arrival. */
    void relay(URI node, boolean count) throws Exception {
        RelayPairs pairs = RelayPairs.open(http, PAIRS, i -> signal(node, createRoom()), true);
        Thread.sleep(500);
        RelayPairs.Burst burst = pairs.send(RATE, STEP);
        Thread.sleep(1000);
        long[] values = pairs.latencies();
        if (pairs.received() != burst.planned()) {
            System.out.printf("  %s: %d of %d messages arrived%s%n", label(node), pairs.received(), burst.planned(),
                    burst.closedBy() == null ? "" : ", a socket was closed: " + burst.closedBy());
        }
        if (count) {
            record("relay p50 ms @" + RATE + "/s", node, Stats.percentile(values, 50) / 1e6);
            record("relay p99 ms @" + RATE + "/s", node, Stats.percentile(values, 99) / 1e6);
            record("relay lost @" + RATE + "/s", node, burst.planned() - pairs.received());
        }
        pairs.close();
        Thread.sleep(2000);
    }

    private void record(String what, URI node, double value) {
        figures.computeIfAbsent(what + " | " + label(node), key -> new ArrayList<>()).add(value);
        System.out.printf("  %s, %s: %.2f%n", what, label(node), value);
    }

    private void print() {
        System.out.println();
        System.out.printf("Cross-node signaling, 2 Payara Micro nodes on loopback, rooms on node A, median of %d rounds%n", ROUNDS);
        System.out.printf("%-22s %14s %14s %10s %8s%n", "", "on room's node", "on other node", "added", "ratio");
        for (String what : List.of("join p50 ms", "join p99 ms", "relay p50 ms @" + RATE + "/s", "relay p99 ms @" + RATE + "/s",
                "relay lost @" + RATE + "/s")) {
            double owner = Stats.median(figures.get(what + " | socket on the room's node"));
            double other = Stats.median(figures.get(what + " | socket on the other node"));
            System.out.printf("%-22s %14.2f %14.2f %10.2f %8s%n", what, owner, other, other - owner,
                    owner > 0 ? String.format("%.2fx", other / owner) : "-");
        }
    }

    private String createRoom() throws Exception {
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(a.resolve("api/rooms"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        if (created.statusCode() != 201) {
            throw new IllegalStateException("node A refused a room: " + created.statusCode() + " " + created.body());
        }
        return created.body().replaceAll(".*\"id\":\"([^\"]+)\".*", "$1");
    }

    private static URI signal(URI node, String room) {
        return URI.create(node.toString().replaceFirst("^http", "ws") + "signal/" + room);
    }

    private static int freePort() throws Exception {
        return org.palaver.it.Ports.free();
    }
}
