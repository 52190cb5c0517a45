package org.palaver.it;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.io.IOException;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real Kurento Media Server for tests: started from {@code palaver.it.kms.scripts} (default
 * {@code ../shared/kms}, whose {@code run.sh} starts an installed KMS 7.3) on a free loopback port,
 * stopped by pid; or, with {@code -Dpalaver.it.kms.url=ws://host:port/kurento}, one that runs
 * already (then it cannot be killed or restarted, and the tests that need that are skipped).
 * Counts what the media server holds through its own API: {@code ServerManager.getPipelines()} and
 * each pipeline's {@code getChildren()}.
 */
public final class RealKms implements AutoCloseable {

    private final URI url;
    private final Path scripts; // null for an external media server
    private final Path runDir;
    private final int port;
    private final Map<String, String> environment;
    /** The niceness to start it at: 0 as everything else, below 0 ahead of the browsers (needs root). */
    private final int niceness;
    private long pid;

    private RealKms(URI url, Path scripts, Path runDir, int port, Map<String, String> environment, int niceness) {
        this.url = url;
        this.scripts = scripts;
        this.runDir = runDir;
        this.port = port;
        this.environment = environment;
        this.niceness = niceness;
    }

    /**
     * Starts one, or skips the calling test class with one line naming what is missing. Call it
     * from {@code @BeforeAll}.
     */
    public static RealKms startOrSkip() throws Exception {
        return startOrSkip(Map.of("GST_DEBUG", QUIET_RTP));
    }

    /**
     * run.sh's log levels (those of Kurento's own packages), with GStreamer's RTP session at
     * errors only. At warnings it writes a line for every RTP packet sent ("Can't determine running
     * time for this packet without knowing configured latency", GStreamer 1.22): hundreds a second
     * in a test call, CPU taken from the browsers and servers under test.
     */
    public static final String QUIET_RTP = "2,Kurento*:4,kms*:4,sdp*:4,webrtc*:4,*rtpendpoint:4,rtp*handler:4,rtpsynchronizer:4,"
            + "agnosticbin:4,rtpsession:1";

    /**
     * The same, with this environment for {@code run.sh} (e.g. {@code GST_DEBUG}; none: run.sh's
     * own levels), at every start and restart; an external media server ignores it.
     */
    public static RealKms startOrSkip(Map<String, String> environment) throws Exception {
        return startOrSkip(environment, 0);
    }

    /**
     * Started at a higher CPU priority than the browsers and app servers of the test
     * ({@link #AHEAD}), as if it had a machine of its own as in production, where three headless
     * browsers do not share its cores. Mixing video for a recording is the one job that needs it:
     * on two cores shared with three browsers the mix falls behind real time, and what it had not
     * mixed when the recording stops is missing from the file. Without the right to raise
     * priorities (not root) it starts as everything else: {@link #ahead()} tells.
     */
    public static RealKms startAheadOrSkip() throws Exception {
        return startOrSkip(Map.of("GST_DEBUG", QUIET_RTP), AHEAD);
    }

    /**
     * The niceness of a media server started ahead. Above Chromium's own: run as root it raises
     * some of its processes to -8. At -5 the mix's video still ended 30 s into a 134 s part here,
     * at -10 4 s short of a 108 s one; at -15 it kept up.
     */
    static final int AHEAD = -15;

    /**
     * The same, at {@code niceness} (run.sh and every thread of the media server inherit it, at
     * every start and restart): above 0 behind everything else, below 0 ahead (that needs root).
     */
    public static RealKms startOrSkip(Map<String, String> environment, int niceness) throws Exception {
        String external = System.getProperty("palaver.it.kms.url", "").strip();
        if (!external.isEmpty()) {
            return new RealKms(URI.create(external), null, null, -1, Map.of(), 0);
        }
        Path scripts = Path.of(System.getProperty("palaver.it.kms.scripts", "../shared/kms")).toAbsolutePath().normalize();
        Path home = Path.of(System.getenv().getOrDefault("KMS_HOME", "/opt/kurento-media-server-7.3.0"));
        String missing = !Files.isExecutable(scripts.resolve("run.sh")) ? scripts.resolve("run.sh") + " is not there"
                : !Files.isExecutable(home.resolve("bin/kurento-media-server")) ? "no Kurento Media Server installed in " + home
                + " (run " + scripts.resolve("install.sh") + ")" : null;
        if (missing != null) {
            String line = "real Kurento Media Server tests skipped: " + missing
                    + "; or run them against any KMS with -Dpalaver.it.kms.url=ws://host:port/kurento";
            System.out.println(line);
            Assumptions.abort(line);
        }
        int port = Ports.free();
        // Kept after the run (under target/ by default), so a failure can be read in the media server's own log.
        Path runs = Path.of(System.getProperty("palaver.it.kms.runs", "target/kms"));
        Files.createDirectories(runs);
        RealKms kms = new RealKms(URI.create("ws://127.0.0.1:" + port + "/kurento"), scripts,
                Files.createTempDirectory(runs, "kms-" + port + "-"), port, Map.copyOf(environment), niceness);
        kms.launch();
        return kms;
    }

    public URI url() {
        return url;
    }

    /** Whether this test run started the server, so it can kill and restart it. */
    public boolean ownProcess() {
        return scripts != null;
    }

    private void launch() throws Exception {
        Path log = runDir.resolve("kms.log");
        if (Files.exists(log)) { // run.sh starts a new log: keep the one of the run before a restart
            Files.move(log, runDir.resolve("kms-before-" + System.currentTimeMillis() + ".log"));
        }
        // GNU nice runs the command even when it may not change the priority (it says so): ahead() reads what it got.
        ProcessBuilder run = new ProcessBuilder("nice", "-n", Integer.toString(niceness), scripts.resolve("run.sh").toString(),
                Integer.toString(port), "--background");
        run.environment().putAll(environment);
        run.environment().put("KMS_RUNDIR", runDir.toString());
        run.redirectErrorStream(true);
        Process p = run.start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(90, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("Kurento Media Server did not start on port " + port + ": " + out);
        }
        pid = Long.parseLong(Files.readString(runDir.resolve("kms.pid")).strip());
    }

    /** Whether the media server runs at a higher priority than this test, as {@link #startAheadOrSkip()} asks. */
    public boolean ahead() {
        try {
            return niceness < 0 && niceOf(Path.of("/proc/" + pid + "/stat")) < niceOf(Path.of("/proc/self/stat"));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** A process's niceness, field 19 of its {@code /proc/PID/stat}. */
    private static int niceOf(Path stat) throws IOException {
        return Integer.parseInt(statFields(stat)[16]);
    }

    /**
     * The fields of a {@code /proc/PID/stat} (or a thread's) after the command name, which may hold
     * spaces and parentheses: index 0 is field 3 (the state), 11 and 12 utime and stime, 16 the niceness.
     */
    public static String[] statFields(Path stat) throws IOException {
        String line = Files.readString(stat);
        return line.substring(line.lastIndexOf(')') + 2).split(" ");
    }

    /** {@code kill -9}: the media server dies at once, like a crash. */
    public void kill9() throws Exception {
        ProcessHandle.of(pid).ifPresent(h -> {
            h.destroyForcibly();
            h.onExit().completeOnTimeout(h, 30, TimeUnit.SECONDS).join();
        });
    }

    /** Starts it again on the same port; returns once the port accepts connections. */
    public void restart() throws Exception {
        launch();
    }

    /** The media server's process id, or -1 for an external media server (one this run did not start). */
    public long pid() {
        return scripts == null ? -1 : pid;
    }

    /** CPU time the media server process has used so far (user and system). */
    public long cpuNanos() {
        return ProcessHandle.of(pid).flatMap(h -> h.info().totalCpuDuration()).map(java.time.Duration::toNanos)
                .orElseGet(this::procCpuNanos);
    }

    /** From /proc when the JDK cannot tell (a process it did not start): utime + stime, in clock ticks of 10 ms. */
    private long procCpuNanos() {
        try {
            String[] fields = statFields(Path.of("/proc/" + pid + "/stat"));
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10_000_000L;
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("no CPU time for the media server process " + pid, e);
        }
    }

    /** Whether the WebSocket port accepts a TCP connection right now. */
    public boolean accepting() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(url.getHost(), url.getPort()), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Every pipeline on the media server, each with the type names of its elements, e.g.
     * {WebRtcEndpoint=9}: {@code ServerManager.getPipelines()} and each pipeline's
     * {@code getChildren()}, asked over Kurento's JSON-RPC directly. (kurento-client's own
     * {@code KurentoClient.create} can stall for 25 s on a busy machine, its heartbeat racing its
     * first connection for one lock.)
     */
    public List<Map<String, Integer>> pipelines() throws Exception {
        try (Rpc rpc = new Rpc(url)) {
            List<Map<String, Integer>> all = new ArrayList<>();
            for (String pipeline : rpc.invoke("manager_ServerManager", "getPipelines")) {
                Map<String, Integer> types = new TreeMap<>();
                try {
                    for (String child : rpc.invoke(pipeline, "getChildren")) {
                        // an object id ends with its type: "..._kurento.WebRtcEndpoint"
                        types.merge(child.substring(child.lastIndexOf('.') + 1), 1, Integer::sum);
                    }
                } catch (ObjectGone e) {
                    continue; // released while it was read: gone
                }
                all.add(types);
            }
            return all;
        }
    }

    /** What the pipelines of Palaver's rooms hold (those tagged {@code palaver.room}), as {@link #pipelines()} counts it. */
    public List<Map<String, Integer>> roomPipelines() throws Exception {
        try (Rpc rpc = new Rpc(url)) {
            List<Map<String, Integer>> all = new ArrayList<>();
            for (String pipeline : rpc.invoke("manager_ServerManager", "getPipelines")) {
                try {
                    boolean room = rpc.invokeRaw(pipeline, "getTags").getValuesAs(JsonObject.class).stream()
                            .anyMatch(tag -> tag.getString("key").equals("palaver.room"));
                    if (room) {
                        Map<String, Integer> types = new TreeMap<>();
                        for (String child : rpc.invoke(pipeline, "getChildren")) {
                            types.merge(child.substring(child.lastIndexOf('.') + 1), 1, Integer::sum);
                        }
                        all.add(types);
                    }
                } catch (ObjectGone e) {
                    // released while it was read: gone
                }
            }
            return all;
        }
    }

    /** Each pipeline's tags ({@code getTags}), e.g. {palaver.room=..., palaver.instance=...}. */
    public List<Map<String, String>> pipelineTags() throws Exception {
        try (Rpc rpc = new Rpc(url)) {
            List<Map<String, String>> all = new ArrayList<>();
            for (String pipeline : rpc.invoke("manager_ServerManager", "getPipelines")) {
                Map<String, String> tags = new TreeMap<>();
                try {
                    for (JsonObject tag : rpc.invokeRaw(pipeline, "getTags").getValuesAs(JsonObject.class)) {
                        tags.put(tag.getString("key"), tag.getString("value"));
                    }
                } catch (ObjectGone e) {
                    continue; // released while it was read: gone
                }
                all.add(tags);
            }
            return all;
        }
    }

    /** Each room's pipeline id, by its {@code palaver.room} tag. */
    public Map<String, String> roomPipelineIds() throws Exception {
        try (Rpc rpc = new Rpc(url)) {
            Map<String, String> ids = new TreeMap<>();
            for (String pipeline : rpc.invoke("manager_ServerManager", "getPipelines")) {
                try {
                    rpc.invokeRaw(pipeline, "getTags").getValuesAs(JsonObject.class).stream()
                            .filter(tag -> tag.getString("key").equals("palaver.room"))
                            .forEach(tag -> ids.put(tag.getString("value"), pipeline));
                } catch (ObjectGone e) {
                    // released while it was read: gone
                }
            }
            return ids;
        }
    }

    /** The rooms whose pipelines the media server holds, by their {@code palaver.room} tag, sorted (a room twice shows twice). */
    public List<String> rooms() throws Exception {
        return pipelineTags().stream().map(t -> t.getOrDefault("palaver.room", "(untagged)")).sorted().toList();
    }

    /** The object was released between listing it and asking it (a pipeline going away while it is read). */
    private static final class ObjectGone extends IllegalStateException {
        ObjectGone(String message) {
            super(message);
        }
    }

    /** One JSON-RPC session with the media server: requests one at a time, answers awaited. */
    private static final class Rpc implements AutoCloseable {
        private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
        private final WebSocket socket;
        private int id;

        Rpc(URI url) throws Exception {
            socket = HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(url, new WebSocket.Listener() {
                        final StringBuilder text = new StringBuilder();

                        @Override
                        public CompletionStage<?> onText(WebSocket ws, CharSequence part, boolean last) {
                            text.append(part);
                            if (last) {
                                answers.add(text.toString());
                                text.setLength(0);
                            }
                            ws.request(1);
                            return null;
                        }
                    }).get(10, TimeUnit.SECONDS);
        }

        List<String> invoke(String object, String operation) throws Exception {
            return invokeRaw(object, operation).getValuesAs(JsonString.class).stream().map(JsonString::getString).toList();
        }

        jakarta.json.JsonArray invokeRaw(String object, String operation) throws Exception {
            int request = ++id;
            socket.sendText(Json.createObjectBuilder().add("jsonrpc", "2.0").add("id", request).add("method", "invoke")
                    .add("params", Json.createObjectBuilder().add("object", object).add("operation", operation)
                            .add("operationParams", Json.createObjectBuilder())).build().toString(), true).get(10, TimeUnit.SECONDS);
            while (true) {
                String text = answers.poll(10, TimeUnit.SECONDS);
                if (text == null) {
                    throw new IllegalStateException("no answer from the media server to " + operation);
                }
                JsonObject answer = Json.createReader(new StringReader(text)).readObject();
                if (answer.getInt("id", -1) != request) {
                    continue; // an event, or an answer to something else
                }
                if (answer.containsKey("error")) {
                    String type = answer.getJsonObject("error").getJsonObject("data") == null ? ""
                            : answer.getJsonObject("error").getJsonObject("data").getString("type", "");
                    if (type.equals("MEDIA_OBJECT_NOT_FOUND")) {
                        throw new ObjectGone(operation + " failed: " + answer.get("error"));
                    }
                    throw new IllegalStateException(operation + " failed: " + answer.get("error"));
                }
                return answer.getJsonObject("result").getJsonArray("value");
            }
        }

        @Override
        public void close() {
            socket.abort();
        }
    }

    /** Waits until {@link #pipelines()} equals {@code expected} (releases are asynchronous); returns the last reading. */
    public List<Map<String, Integer>> awaitPipelines(List<Map<String, Integer>> expected, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        List<Map<String, Integer>> seen = pipelines();
        while (!seen.equals(expected) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            seen = pipelines();
        }
        return seen;
    }

    /**
     * The lines of this start's media server log where it refused a keyframe request (asked of an
     * endpoint that does not send), in order; none for an external media server.
     */
    public List<String> refusedKeyframeRequests() throws java.io.IOException {
        return logLines("Keyframe request failed");
    }

    /** The lines of this start's media server log that contain {@code text}; none for an external media server. */
    private List<String> logLines(String text) throws java.io.IOException {
        if (runDir == null) {
            return List.of();
        }
        try (var lines = Files.lines(runDir.resolve("kms.log"), java.nio.charset.StandardCharsets.ISO_8859_1)) {
            return lines.filter(l -> l.contains(text)).toList();
        }
    }

    /** Where the media server's log is, for failure messages. */
    public String log() {
        return runDir == null ? "(external media server)" : runDir.resolve("kms.log").toString();
    }

    @Override
    public void close() throws Exception {
        if (scripts == null) {
            return;
        }
        ProcessHandle.of(pid).ifPresent(h -> {
            h.destroy();
            if (h.onExit().completeOnTimeout(null, 10, TimeUnit.SECONDS).join() == null) {
                h.destroyForcibly();
            }
        });
    }
}
