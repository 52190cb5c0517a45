package org.palaver.bench;

import jakarta.json.Json;
import jakarta.json.JsonReader;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.palaver.it.PayaraMicroProcess;
import org.palaver.it.SignalClient;

/**
 * Churn soak: opens and closes signaling connections in many rooms for several minutes against
 * the built WAR on its own Payara Micro, then checks that every room is gone and that the server's
 * heap after GC is back within 10% of where it started. Bounded in time, loopback only.
 *
 * <p>{@code mvn -B -Psoak package -Dsoak.minutes=3}; exits non-zero when a check fails.
 */
public final class ChurnSoak {

    static final int ROOMS_PER_ROUND = 10;
    static final int PEOPLE_PER_ROOM = 6;

    public static void main(String[] args) throws Exception {
        Duration length = Duration.ofSeconds((long) (Double.parseDouble(args.length > 0 ? args[0] : "3") * 60));
        Map<String, String> config = Map.of(
                "palaver.room.empty-ttl", "PT2S",
                "palaver.reconnect.grace", "PT2S",
                "palaver.limits.room-creations-per-minute", "1000000");
        // HTTP/1.1 as browsers speak it on plain HTTP: Java's client otherwise offers an h2c upgrade on every request.
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        ExecutorService pool = Executors.newFixedThreadPool(PEOPLE_PER_ROOM * 2);
        boolean ok;
        List<String> corrupted = new ArrayList<>(); // REST responses that were not what the API sends
        try (PayaraMicroProcess server = new PayaraMicroProcess(config)) {
            System.out.printf("server started in %d ms%n", server.start().toMillis());
            URI base = server.base();
            round(http, pool, base, new ArrayList<>(), corrupted); // warm-up: classes loaded, pools filled
            Thread.sleep(5000);
            long heapBefore = ServerHeap.usedAfterGcBytes(server.pid());
            Map<String, Long> histogramBefore = ServerHeap.histogram(server.pid());
            Map<String, Long> threadsBefore = ServerHeap.threads(server.pid());

            List<String> rooms = new ArrayList<>();
            long connections = 0;
            long start = System.nanoTime();
            long end = start + length.toNanos();
            while (System.nanoTime() < end) {
                try {
                    connections += round(http, pool, base, rooms, corrupted);
                } catch (Exception e) {
                    throw new IllegalStateException(String.format("a round failed after %d s and %d connections",
                            Duration.ofNanos(System.nanoTime() - start).toSeconds(), connections), e);
                }
            }
            // Rooms go after reconnect grace + empty TTL (2 s + 2 s here); a socket whose close was
            // never seen goes after the heartbeat timeout (30 s). Wait for that, not longer.
            long settle = System.nanoTime();
            long left = remaining(http, base, rooms);
            while (left > 0 && System.nanoTime() - settle < Duration.ofSeconds(60).toNanos()) {
                Thread.sleep(1000);
                left = remaining(http, base, rooms);
            }
            System.out.printf("rooms all gone %d ms after the churn stopped%n", Duration.ofNanos(System.nanoTime() - settle).toMillis());
            System.out.printf("  heap after GC right then: %.1f MiB%n", ServerHeap.usedAfterGcBytes(server.pid()) / 1048576.0);
            // Sockets whose close the container never reported are released by the heartbeat
            // (palaver.heartbeat.timeout, 30 s), and threads the burst added retire after 30 s idle
            // (payara-config/pre-boot-commands.asadmin): measure after both, as a server left alone.
            Thread.sleep(40_000);
            long heapAfter = ServerHeap.usedAfterGcBytes(server.pid());
            Process ss = new ProcessBuilder("ss", "-tan").redirectErrorStream(true).start();
            String sockets = new String(ss.getInputStream().readAllBytes());
            String port = ":" + base.getPort();
            java.util.Map<String, Long> states = sockets.lines().filter(l -> l.contains(port + " ") || l.matches(".*" + port + "\\s.*"))
                    .collect(java.util.stream.Collectors.groupingBy(l -> l.trim().split("\\s+")[0], java.util.stream.Collectors.counting()));
            System.out.println("TCP sockets on the server port: " + states);
            System.out.print("what grew most:\n" + ServerHeap.growth(histogramBefore, ServerHeap.histogram(server.pid()), 12));
            System.out.print("server threads that came or went:\n" + ServerHeap.threadChanges(threadsBefore, ServerHeap.threads(server.pid())));
            String dump = System.getProperty("soak.heapDump", "");
            if (!dump.isBlank()) {
                ServerHeap.dump(server.pid(), java.nio.file.Path.of(dump));
                System.out.println("heap dump: " + dump);
            }
            double ratio = (double) heapAfter / heapBefore;
            System.out.printf("churned %d connections in %d rooms over %d s%n", connections, rooms.size(), length.toSeconds());
            System.out.printf("rooms left afterwards: %d%n", left);
            System.out.printf("server heap after GC: before %.1f MiB, after %.1f MiB, ratio %.3f%n",
                    heapBefore / 1048576.0, heapAfter / 1048576.0, ratio);
            System.out.printf("REST responses that were not the API's: %d%s%n", corrupted.size(),
                    corrupted.isEmpty() ? "" : ", e.g. " + corrupted.get(0));
            ok = left == 0 && ratio <= 1.10 && corrupted.isEmpty();
            System.out.println(ok ? "soak passed" : "soak FAILED");
        } finally {
            pool.shutdownNow();
        }
        if (!ok) {
            System.exit(1); // only now: exiting inside the try would leave the server process running
        }
    }

    private static long remaining(HttpClient http, URI base, List<String> rooms) throws Exception {
        long left = 0;
        for (String room : rooms) {
            if (http.send(HttpRequest.newBuilder(base.resolve("api/rooms/" + room)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() != 404) {
                left++;
            }
        }
        return left;
    }

    /**
     * Creates a room. A response that is not the API's own 201 JSON is counted and shown at the end
     * (the soak once caught another connection's WebSocket frame inside one), and creation retried.
     */
    private static String createRoom(HttpClient http, URI base, List<String> corrupted) throws Exception {
        for (int attempt = 0; ; attempt++) {
            HttpResponse<String> created = http.send(HttpRequest.newBuilder(base.resolve("api/rooms"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            try (JsonReader reader = Json.createReader(new StringReader(created.body()))) {
                if (created.statusCode() == 201) {
                    return reader.readObject().getString("id");
                }
            } catch (RuntimeException notTheApisJson) {
                // counted below
            }
            corrupted.add(created.statusCode() + " " + created.body().replaceAll("[^\\x20-\\x7e]", "?"));
            if (attempt == 3) {
                throw new IllegalStateException("creating a room failed 4 times: " + corrupted);
            }
        }
    }

    /** One round: rooms fill up, talk a little, and empty again, half saying goodbye, half just dropping. */
    private static int round(HttpClient http, ExecutorService pool, URI base, List<String> rooms, List<String> corrupted) throws Exception {
        int opened = 0;
        for (int r = 0; r < ROOMS_PER_ROUND; r++) {
            String room = createRoom(http, base, corrupted);
            rooms.add(room);
            List<Future<SignalClient>> joins = new ArrayList<>();
            for (int p = 0; p < PEOPLE_PER_ROOM; p++) {
                String name = "Soak " + p;
                joins.add(pool.submit(() -> SignalClient.join(base, room, name)));
            }
            List<SignalClient> people = new ArrayList<>();
            for (Future<SignalClient> join : joins) {
                people.add(join.get());
            }
            opened += people.size();
            people.get(0).send("{\"type\":\"media-state\",\"audioMuted\":true,\"videoMuted\":false}");
            for (int p = 0; p < people.size(); p++) {
                SignalClient person = people.get(p);
                if (p % 2 == 0) {
                    person.send("{\"type\":\"leave\"}");
                    person.close();
                } else {
                    person.abort();
                }
            }
        }
        return opened;
    }
}
