package org.palaver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Last-N with real media: three headless Chromiums and synthetic participants (media from the
 * media server itself, see {@link SyntheticParticipants}) in one Kurento room whose pages receive
 * at most two cameras. Each page decodes exactly two videos however many people are in, a
 * synthetic participant who starts speaking takes a slot at every page and is decoded there, so
 * does a browser whose user unmutes and speaks (the cameras differ in the shape of their frames, so
 * a page's decoded frames say whose camera a slot carries and from when), the pages hear the
 * room's mix, and the media server holds endpoints as n + viewers·(N + 1).
 * Payara only: what it shows is the same whichever server serves the WAR.
 */
class LargeRoomIT {

    /** Generous: three browsers, a media server with a dozen endpoints and an app server share two cores. */
    static final Duration UI = Duration.ofSeconds(60);
    static final int LAST_N = 2;
    static final int SYNTHETIC = 6;

    static RealKms kms;
    static ServerProcess server;
    static URI base;

    final List<Browser> browsers = new ArrayList<>();
    boolean failed = true;

    @BeforeAll
    static void start() throws Exception {
        Deployments.onlyOnPayara("the same last-N whichever server serves the WAR; one heavy run is enough");
        kms = RealKms.startOrSkip();
        server = ServerProcess.forTests(Map.of(
                "palaver.kms.url", kms.url().toString(),
                "palaver.room.last-n", Integer.toString(LAST_N),
                "palaver.room.empty-ttl", "PT2M",
                "palaver.limits.room-creations-per-minute", "600"));
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
                b.screenshot("failed-large-room-" + b.label);
            }
            b.close();
        }
        if (failed) {
            System.out.println("media server log: " + kms.log());
        }
    }

    @Test
    void eachPageDecodesAtMostNCamerasAndASpeakerTakesASlotAtEveryPage() throws Exception {
        String room = Deployments.createRoom(base);
        Path file = SyntheticParticipants.testFile(Path.of("target", "media"), 300);
        // Carol's camera makes square frames, the other browsers' 16:9 and the synthetic ones' 4:3:
        // a viewer's decoded frames tell whose camera a slot carries, and from which frame on.
        Path square = SyntheticParticipants.squareCamera(Path.of("target", "media"));
        try (SyntheticParticipants synthetic = new SyntheticParticipants(kms.url(), file)) {
            for (String name : List.of("Alice", "Bob", "Carol")) {
                Browser b = "Carol".equals(name) ? new Browser("large-carol", square) : new Browser("large-" + name.toLowerCase());
                browsers.add(b);
                b.join(base + "room/" + room, name, UI);
                // Muted, so the pages never speak and the only sound in the mix is the synthetic speaker's.
                b.visible("toggle-mic").click();
            }
            // The browsers published first: with last-n 2, each one shows the other two.
            for (Browser b : browsers) {
                b.assertDecodingFrom(2, UI);
            }
            double silentGrowth = energyGrowth();

            List<SyntheticParticipants.Synthetic> people = new ArrayList<>();
            for (int i = 0; i < SYNTHETIC; i++) {
                people.add(synthetic.join(base, room, "Synthetic " + i, i == SYNTHETIC - 1));
            }
            SyntheticParticipants.Synthetic speaker = people.get(SYNTHETIC - 1);
            browsers.get(0).waiting(UI).until(d -> people.stream().allMatch(SyntheticParticipants::sending));
            for (Browser b : browsers) {
                b.waiting(UI).until(d -> b.tiles().size() == 2 + SYNTHETIC);
                b.assertDecodingFrom(LAST_N, UI);
                assertEquals(2 + SYNTHETIC - LAST_N, withoutVideo(b), b.label + ": everyone without a slot shows a placeholder");
            }
            // n publishers, and per page the mix and N slots: 9 + 3 x 3, where every page receiving
            // every camera would make 9 + 3 x 8 and n viewers n(n - 1).
            assertEquals(List.of(Map.of("WebRtcEndpoint", 9 + 3 * (1 + LAST_N), "Composite", 1)), kms.roomPipelines());

            for (Browser b : browsers) {
                b.awaitScript("window.__probe.watchSwitchTo(arguments[0])", speaker.id());
            }
            long spoke = System.currentTimeMillis();
            speaker.speaking(true);
            for (Browser b : browsers) {
                b.waiting(UI).until(d -> b.script("return (window.__probe.switched || {})['" + speaker.id() + "'] || null") != null);
            }
            for (Browser b : browsers) {
                long shown = ((Number) b.script("return window.__probe.switched['" + speaker.id() + "']")).longValue();
                long from = ((Number) b.script("return window.__probe.switchedAfter['" + speaker.id() + "']")).longValue();
                long told = ((Number) b.script("const m = window.__probe.slotMessages.filter((s) => s.slots.includes(arguments[0]));"
                        + " return m.length ? m[0].at : -1", speaker.id())).longValue();
                System.out.printf("last-N switch at %s: speaking sent to slots received %d ms, to the speaker's first keyframe decoded"
                        + " %d ms (read by a getStats() begun at %d ms)%n", b.label, told - spoke, shown - spoke, from - spoke);
            }
            for (Browser b : browsers) {
                long frames = awaitDecoding(b, speaker.id(), 0);
                awaitDecoding(b, speaker.id(), frames);
                b.assertDecodingFrom(LAST_N, UI); // still two: the speaker took a slot, it did not add one
                assertEquals(2 + SYNTHETIC - LAST_N, withoutVideo(b), b.label + ": one of the browsers made way for the speaker");
            }
            double speakingGrowth = energyGrowth();
            System.out.printf("last-N: the mix's energy over 2 s at the pages, muted: %.4f, with the speaker's tone: %.4f%n",
                    silentGrowth, speakingGrowth);
            assertTrue(speakingGrowth > 10 * silentGrowth + 1e-6, "the pages hear the synthetic speaker in the mix: "
                    + silentGrowth + " -> " + speakingGrowth);
            assertEquals(List.of(Map.of("WebRtcEndpoint", 9 + 3 * (1 + LAST_N), "Composite", 1)), kms.roomPipelines(),
                    "a switch makes no endpoint");

            // Muted, the speaker's voice leaves the mix on the media server; unmuted, it is heard again.
            speaker.signal().send("{\"type\":\"media-state\",\"audioMuted\":true,\"videoMuted\":false}");
            Thread.sleep(1000);
            double mutedGrowth = energyGrowth();
            speaker.signal().send("{\"type\":\"media-state\",\"audioMuted\":false,\"videoMuted\":false}");
            Thread.sleep(1000);
            double backGrowth = energyGrowth();
            System.out.printf("last-N: the mix's energy over 2 s, the speaker muted: %.4f, unmuted again: %.4f%n", mutedGrowth, backGrowth);
            assertTrue(mutedGrowth * 10 < speakingGrowth, "a muted voice is not mixed: " + mutedGrowth + " vs " + speakingGrowth);
            assertTrue(backGrowth > 10 * mutedGrowth + 1e-6, "unmuted, it is mixed again: " + mutedGrowth + " -> " + backGrowth);

            // Alice pins someone shown nowhere: their camera comes to her page, next to the
            // speaker's, and to nobody else's.
            SyntheticParticipants.Synthetic pinned = people.get(0);
            Browser alice = browsers.get(0);
            String tile = "[data-testid=participant-tile][data-participant-id=\"" + pinned.id() + "\"]";
            assertEquals("none", alice.script("return document.querySelector(arguments[0]).dataset.video", tile));
            alice.script("document.querySelector(arguments[0] + ' [data-testid=pin]').click()", tile);
            awaitDecoding(alice, pinned.id(), awaitDecoding(alice, pinned.id(), 0));
            awaitDecoding(alice, speaker.id(), awaitDecoding(alice, speaker.id(), 0));
            alice.assertDecodingFrom(LAST_N, UI);
            for (Browser other : browsers.subList(1, browsers.size())) {
                assertEquals("none", other.script("return document.querySelector(arguments[0]).dataset.video", tile),
                        other.label + ": a pin changes only the page that pinned");
            }

            // Carol unmutes: her page hears its own (fake) microphone and says she speaks, and her
            // camera takes a slot on the pages where it was not shown (Alice's, which shows the
            // pinned camera and the synthetic speaker; Bob's, unless his second slot shows her
            // already): a switch to a browser's camera, whose keyframe comes from the browser's own encoder.
            Browser carol = browsers.get(2);
            String carolId = alice.tileIdNamed("Carol");
            List<Browser> watching = browsers.subList(0, 2).stream()
                    .filter(b -> "none".equals(b.tile(carolId).getAttribute("data-video"))).toList();
            assertTrue(watching.contains(alice), "Alice's page shows the pinned camera and the speaker's, not Carol's");
            for (Browser b : watching) {
                b.script("window.__probe.watchFrameShapes()");
            }
            carol.script("window.__probe.watchKeyframesOut()");
            long saidBefore = ((Number) carol.script("return window.__probe.speakingSent.length")).longValue();
            int refusedBefore = kms.refusedKeyframeRequests().size();
            long clicked = System.currentTimeMillis();
            carol.visible("toggle-mic").click();
            carol.waiting(UI).withMessage("Carol's page said she speaks").until(d ->
                    ((Number) carol.script("return window.__probe.speakingSent.length")).longValue() > saidBefore);
            long carolSpoke = ((Number) carol.script("return window.__probe.speakingSent[arguments[0]]", saidBefore)).longValue();
            for (Browser b : watching) {
                // Her square frames, decoded on the slot her tile shows.
                printSwitch("Carol's camera", b, awaitSwitch(b, carolId, "1:1", clicked), carolSpoke);
                b.script("window.__probe.stopWatchingFrameShapes()");
                b.assertDecodingFrom(LAST_N, UI);
            }
            // Where the time goes: when her camera's encoder was asked for a keyframe (PLI, FIR) and made one.
            System.out.println("last-N switch to a browser's camera: at Carol's camera, ms after her page said she speaks: "
                    + carol.script("return window.__probe.keyframesOut.map((e) => e.what + ' ' + (e.at - arguments[0])).join(', ')",
                    carolSpoke));
            // The keyframe her camera's new slots ask for is taken: asked of a slot that sends
            // (asked of a camera's endpoint, the media server refuses it, in its log).
            List<String> refused = kms.refusedKeyframeRequests();
            assertEquals(List.of(), refused.subList(refusedBefore, refused.size()),
                    "the media server takes the keyframe requests of a switch");
            System.out.println("last-N: keyframe requests the media server refused, all before the switch: " + refused.size()
                    + " (a slot asks as it is first connected, before media flows; the media server asks by itself then too)");
        }
        failed = false;
    }

    /**
     * Waits until the page's script has read five frames of {@code shape}, in runs that began after
     * {@code after} (epoch ms), on the track {@code id}'s tile shows; returns the first such run's
     * first frame, the last frame of the run before it (-1 if none) and the slots message that gave
     * {@code id} a slot after {@code after} (-1 if none).
     */
    private static long[] awaitSwitch(Browser b, String id, String shape, long after) {
        String run = "window.__probe.watchFrameShapes();" // a slot whose connection was renewed has a new track
                + " const t = document.querySelector('[data-testid=participant-tile][data-participant-id=\"' + arguments[0] + '\"]');"
                + " const v = t && t.dataset.video === 'shown' ? t.querySelector('video') : null;"
                + " const track = v && v.srcObject ? v.srcObject.getVideoTracks()[0] : null;"
                + " const runs = (track && window.__probe.frameShapes[track.id]) || [];"
                + " const shown = runs.filter((r) => r.shape === arguments[1] && r.first >= arguments[2]);"
                + " if (shown.reduce((n, r) => n + r.frames, 0) < 5) return null;"
                + " const i = runs.indexOf(shown[0]);"
                + " const m = window.__probe.slotMessages.filter((s) => s.slots.includes(arguments[0]) && s.at >= arguments[2]);"
                + " return [runs[i].first, i > 0 ? runs[i - 1].last : -1, m.length ? m[0].at : -1];";
        List<?> found = b.waiting(UI).withMessage(() -> b.label + ": " + shape + " frames of " + id + "'s camera on the slot its"
                + " tile shows; runs: " + b.script("return JSON.stringify(window.__probe.frameShapes)"))
                .until(d -> (List<?>) b.script(run, id, shape, after));
        return found.stream().mapToLong(n -> ((Number) n).longValue()).toArray();
    }

    private static void printSwitch(String whose, Browser b, long[] frames, long from) {
        System.out.printf("last-N switch to %s at %s, ms after the speaking message was sent: slots received %s,"
                + " the slot's previous camera's last frame decoded %s, the new camera's first frame decoded %d%n",
                whose, b.label, since(frames[2], from), since(frames[1], from), frames[0] - from);
    }

    private static String since(long at, long from) {
        return at < 0 ? "(none)" : Long.toString(at - from);
    }

    /** Tiles of others showing a placeholder instead of video (no slot carries their camera). */
    private static long withoutVideo(Browser b) {
        return b.tiles().stream().filter(t -> "none".equals(t.getAttribute("data-video"))).count();
    }

    /** Waits until {@code id}'s tile shows video decoding past {@code after} frames; returns the count. */
    private static long awaitDecoding(Browser b, String id, long after) {
        String frames = "const v = document.querySelector('[data-testid=participant-tile][data-participant-id=\"" + id
                + "\"]'); if (!v || v.dataset.video !== 'shown') return -1;"
                + " return v.querySelector('video').getVideoPlaybackQuality().totalVideoFrames;";
        b.waiting(UI).until(d -> ((Number) b.script(frames)).longValue() > after);
        return ((Number) b.script(frames)).longValue();
    }

    /** How much the mix's energy grew over 2 s, the least over the pages (each page's printed). */
    private double energyGrowth() throws InterruptedException {
        List<Double> before = browsers.stream().map(Browser::roomAudioEnergy).toList();
        Thread.sleep(2000);
        double least = Double.MAX_VALUE;
        StringBuilder each = new StringBuilder("last-N: the mix's energy over 2 s at each page:");
        for (int i = 0; i < browsers.size(); i++) {
            double growth = browsers.get(i).roomAudioEnergy() - before.get(i);
            each.append(String.format(" %s %.4f", browsers.get(i).label, growth));
            least = Math.min(least, growth);
        }
        System.out.println(each);
        return least;
    }
}
