package org.palaver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Recording a Kurento room through a real Kurento Media Server ({@link RealKms}): the media server
 * mixes everyone ({@code Composite}) into a WebM file in a folder Palaver shares with it, and
 * Debian's {@code ffprobe}/{@code ffmpeg} read what it wrote. On Payara Micro or WildFly by
 * {@code palaver.it.server}, like the other server-process tests.
 *
 * <p>One meeting covers: a non-host's hand-sent {@code record} is refused; a host records; a late
 * joiner sees the indicator and the chat says who started and stopped; the file is a WebM with VP8
 * video and Opus audio and decodable frames; the listing is for hosts only and its links stream
 * with byte ranges; after a media server killed mid-recording the recording goes on in a new part
 * once the room is rebuilt, and the listing shows every part ended. What this media server build
 * gets wrong (the mix's video stalls after some seconds with browser inputs; the killed server's
 * part may be empty) is printed, not asserted: README, "Recording".
 */
class RecordingIT {

    /** Generous: three browsers, a media server and an app server share two cores. */
    static final Duration UI = Duration.ofSeconds(60);
    static final String FFPROBE = "/usr/bin/ffprobe";
    static final String FFMPEG = "/usr/bin/ffmpeg";

    static RealKms kms;
    static ServerProcess server;
    static URI base;
    static Path folder;

    final List<Browser> browsers = new ArrayList<>();
    boolean failed = true;

    @BeforeAll
    static void start() throws Exception {
        if (!Files.isExecutable(Path.of(FFPROBE)) || !Files.isExecutable(Path.of(FFMPEG))) {
            throw new IllegalStateException(FFPROBE + " and " + FFMPEG + " are needed to read recordings (apt-get install ffmpeg)");
        }
        kms = RealKms.startOrSkip();
        org.junit.jupiter.api.Assumptions.assumeTrue(kms.ownProcess(),
                "recording needs a media server on this machine, writing to the same folder");
        folder = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "recordings-");
        server = ServerProcess.forTests(Map.of(
                "palaver.kms.url", kms.url().toString(),
                "palaver.recordings.dir", folder.toString(),
                "palaver.secret", "recording-test-secret-0123456789abcdef",
                "palaver.kms.connect-timeout", "PT2S",
                "palaver.kms.retry-interval", "PT1S",
                "palaver.room.empty-ttl", "PT2M"));
        server.start();
        base = server.base();
        ServerProcess.awaitReady(base, UI);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (kms != null) {
            kms.close();
        }
    }

    @AfterEach
    void closeBrowsers() {
        for (Browser b : browsers) {
            if (failed) {
                b.screenshot("failed-recording-" + b.label);
            }
            b.close();
        }
        if (failed && kms != null) {
            System.out.println("media server log: " + kms.log());
        }
    }

    @Test
    void aHostRecordsTheMixAndItOutlivesAMediaServerCrash() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        JsonObject created = Json.createReader(new StringReader(http.send(HttpRequest.newBuilder(base.resolve("api/rooms"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()).body())).readObject();
        String room = created.getString("id");
        String hostUrl = created.getString("hostUrl");
        String secret = hostUrl.substring(hostUrl.indexOf("#host=") + 6);
        String url = base + "room/" + room;

        Browser hanna = browser("rec-hanna");
        Browser bob = browser("rec-bob");
        hanna.join(hostUrl, "Hanna", UI);
        bob.join(url, "Bob", UI);
        hanna.assertDecodingFrom(1, UI);
        bob.assertDecodingFrom(1, UI);

        // A non-host cannot record, whatever the page sends.
        assertFalse(bob.byTestId("record").isDisplayed(), "only hosts see the Record button");
        bob.script("window.__probe.send({type: 'record', recording: true})");
        bob.waiting(UI).until(d -> bob.byTestId("error-message").getText().contains("host"));
        assertFalse(hanna.byTestId("recording-indicator").isDisplayed());

        long recordClick = System.nanoTime();
        hanna.byTestId("record").click();
        bob.waiting(UI).until(d -> bob.byTestId("recording-indicator").isDisplayed());
        assertEquals("true", hanna.byTestId("record").getAttribute("aria-pressed"));
        Thread.sleep(2500);

        Browser carol = browser("rec-carol");
        carol.join(url, "Carol", UI);
        carol.waiting(UI).until(d -> carol.byTestId("recording-indicator").isDisplayed());
        assertTrue(carol.byTestId("chat-messages").getText().contains("being recorded"), "the late joiner is told in the chat");
        carol.assertDecodingFrom(2, UI);
        long sinceClick = Duration.ofNanos(System.nanoTime() - recordClick).toMillis();
        if (sinceClick < 8000) {
            Thread.sleep(8000 - sinceClick); // Carol published a few seconds: she is in the mix a while
        }
        hanna.byTestId("record").click();
        long recorded = Duration.ofNanos(System.nanoTime() - recordClick).toMillis();
        bob.waiting(UI).until(d -> !bob.byTestId("recording-indicator").isDisplayed());
        assertTrue(bob.byTestId("chat-messages").getText().contains("Hanna stopped recording"));

        // The listing: hosts only.
        HttpRequest.Builder list = HttpRequest.newBuilder(base.resolve("api/rooms/" + room + "/recordings"));
        assertEquals(401, http.send(list.copy().build(), HttpResponse.BodyHandlers.discarding()).statusCode());
        assertEquals(403, http.send(list.copy().header("Authorization", "Bearer not-the-secret").build(),
                HttpResponse.BodyHandlers.discarding()).statusCode());
        JsonArray parts = awaitParts(http, list, secret, 1);
        JsonObject first = parts.getJsonObject(0);
        Path file = folder.resolve(first.getString("id") + ".webm");
        assertEquals(Files.size(file), first.getJsonNumber("bytes").longValue());

        // The file: VP8 and Opus, as long as the recording, frames that decode, Carol in the mix.
        String streams = run(FFPROBE, "-v", "error", "-show_entries", "stream=codec_type,codec_name", "-of", "csv=p=0",
                file.toString());
        assertTrue(streams.contains("vp8,video") && streams.contains("opus,audio"), streams);
        double seconds = duration(file);
        System.out.printf("recording: clicked for %.1f s, the file is %.1f s, %d bytes (%.1f MB per minute)%n",
                recorded / 1000.0, seconds, Files.size(file), Files.size(file) / seconds * 60 / 1e6);
        long frames = decodedFrames(file);
        assertTrue(frames > 10, "decodable video frames: " + frames);
        // Not asserted, because this media server build does not meet them (README, "Recording"):
        // the file's length and a late joiner in the mix. Printed so each run shows where it stands.
        System.out.printf("recording: last video frame at %s s of %.1f s; %d frames%n", lastVideoPts(file), seconds, frames);

        // The link of the listing streams the file, with byte ranges, and without the secret.
        URI link = URI.create(first.getString("url"));
        HttpResponse<byte[]> whole = http.send(HttpRequest.newBuilder(link).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, whole.statusCode());
        assertEquals("video/webm", whole.headers().firstValue("Content-Type").orElse(""));
        assertEquals(Files.size(file), whole.body().length);
        HttpResponse<byte[]> range = http.send(HttpRequest.newBuilder(link).header("Range", "bytes=100-199").build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(206, range.statusCode());
        assertEquals("bytes 100-199/" + Files.size(file), range.headers().firstValue("Content-Range").orElse(""));
        assertEquals(100, range.body().length);
        assertEquals(401, http.send(HttpRequest.newBuilder(URI.create(link.toString().replaceAll("access=[^&]+", "access=1.x")))
                .build(), HttpResponse.BodyHandlers.discarding()).statusCode());

        // What the mix costs the media server: the same three people for 5 s without, then with it.
        long cpuAt = kms.cpuNanos();
        long wallAt = System.nanoTime();
        Thread.sleep(5000);
        double callCpu = cpuShare(cpuAt, wallAt);
        hanna.byTestId("record").click();
        bob.waiting(UI).until(d -> bob.byTestId("recording-indicator").isDisplayed());
        Thread.sleep(1000);
        cpuAt = kms.cpuNanos();
        wallAt = System.nanoTime();
        Thread.sleep(5000);
        double recordingCpu = cpuShare(cpuAt, wallAt);
        System.out.printf("media server CPU (one core = 100%%), 3 people: in the call %.0f%%, recording their mix %.0f%%%n",
                callCpu * 100, recordingCpu * 100);

        // The media server dies mid-recording: the part so far stays playable, a new part follows.
        kms.kill9();
        kms.restart();
        for (Browser b : List.of(hanna, bob, carol)) {
            decodingAgain(b);
        }
        Thread.sleep(4000);
        hanna.byTestId("record").click();
        bob.waiting(UI).until(d -> !bob.byTestId("recording-indicator").isDisplayed());
        parts = awaitParts(http, list, secret, 3);
        Path cut = folder.resolve(parts.getJsonObject(1).getString("id") + ".webm");
        Path after = folder.resolve(parts.getJsonObject(2).getString("id") + ".webm");
        // What the killed media server had written of its part: printed, not asserted (README, "Recording").
        System.out.printf("recording: the part cut by the media server's death has %d bytes%n", Files.size(cut));
        assertTrue(decodedFrames(after) > 10, "the recording went on in a new part on the restarted media server");
        for (int i = 0; i < 3; i++) {
            assertFalse(parts.getJsonObject(i).isNull("ended"), "every part has ended: " + parts);
        }
        failed = false;
    }

    // ---- steps -------------------------------------------------------------------------------

    private Browser browser(String label) throws Exception {
        Browser b = new Browser(label);
        browsers.add(b);
        return b;
    }

    /** After the media server restart the pages negotiate anew, some more than once: decoding from both others, steadily. */
    private static void decodingAgain(Browser b) throws Exception {
        long deadline = System.nanoTime() + UI.toNanos();
        while (true) {
            try {
                b.assertDecodingFrom(2, UI);
                return;
            } catch (AssertionError | IndexOutOfBoundsException stillRenegotiating) {
                if (System.nanoTime() > deadline) {
                    throw stillRenegotiating;
                }
                Thread.sleep(500);
            }
        }
    }

    /** The media server's CPU since {@code cpuAt}/{@code wallAt}, as a share of one core. */
    private static double cpuShare(long cpuAt, long wallAt) {
        return (double) (kms.cpuNanos() - cpuAt) / (System.nanoTime() - wallAt);
    }

    /** Lists until {@code count} parts have all ended (the media server closes a file a moment after the stop). */
    private static JsonArray awaitParts(HttpClient http, HttpRequest.Builder list, String secret, int count) throws Exception {
        long deadline = System.nanoTime() + UI.toNanos();
        JsonArray parts;
        do {
            HttpResponse<String> answer = http.send(list.copy().header("Authorization", "Bearer " + secret).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, answer.statusCode(), answer.body());
            parts = Json.createReader(new StringReader(answer.body())).readArray();
            if (parts.size() == count && parts.stream().noneMatch(p -> p.asJsonObject().isNull("ended"))) {
                return parts;
            }
            Thread.sleep(300);
        } while (System.nanoTime() < deadline);
        assertEquals(count, parts.size(), "recording parts: " + parts);
        assertNull(parts, "parts not all ended: " + parts);
        return parts;
    }

    private static String lastVideoPts(Path file) throws Exception {
        return run(FFPROBE, "-v", "error", "-select_streams", "v:0", "-show_entries", "packet=pts_time", "-of", "csv=p=0",
                file.toString()).strip().lines().reduce((a, b) -> b).orElse("none");
    }

    private static double duration(Path file) throws Exception {
        // A part cut by a crash may have no duration in its header: ffprobe then reads it to the end.
        String out = run(FFPROBE, "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", file.toString()).strip();
        return Double.parseDouble(out);
    }

    private static long decodedFrames(Path file) throws Exception {
        String out = run(FFPROBE, "-v", "error", "-count_frames", "-select_streams", "v:0",
                "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", file.toString()).strip();
        return Long.parseLong(out.isEmpty() ? "0" : out.split("\\R")[0].replace(",", ""));
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }
}
