package org.palaver.it;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * One participant: Debian's headless Chromium with a fake camera and microphone, driven through
 * Debian's chromedriver (set explicitly, so Selenium never looks for a driver to download).
 * Every page gets a small probe installed before its own scripts run: it remembers the page's
 * WebSockets and peer connections, so tests can read getStats() and drop the signaling socket
 * without the product carrying test hooks.
 */
public final class Browser implements AutoCloseable {

    static final String CHROMIUM = "/usr/lib/chromium/chromium";
    static final String CHROMEDRIVER = "/usr/bin/chromedriver";

    private static final String PROBE = """
            (() => {
              const sockets = [], peers = [], slotMessages = [], speakingSent = [];
              const NativeWebSocket = window.WebSocket;
              window.WebSocket = class extends NativeWebSocket {
                constructor(...args) {
                  super(...args);
                  sockets.push(this);
                  // Kurento rooms: when each slots message arrived (epoch ms), for last-N switch timings.
                  this.addEventListener('message', (e) => {
                    if (typeof e.data === 'string' && e.data.includes('"type":"slots"')) slotMessages.push({ at: Date.now(), slots: JSON.parse(e.data).slots });
                  });
                }
                // ... and when the page said it started speaking (epoch ms), where a switch begins.
                send(data) {
                  if (typeof data === 'string' && data.includes('"type":"speaking"') && data.includes('true')) speakingSent.push(Date.now());
                  return super.send(data);
                }
              };
              const NativePeerConnection = window.RTCPeerConnection;
              // Milestones of every peer connection, in ms since the page's time origin, for time-to-first-frame figures.
              const timeline = [];
              window.RTCPeerConnection = class extends NativePeerConnection {
                constructor(...args) {
                  super(...args);
                  const n = peers.push(this) - 1;
                  const mark = (what) => timeline.push({ pc: n, what, at: Math.round(performance.now()) });
                  mark('created');
                  this.addEventListener('signalingstatechange', () => mark('signaling ' + this.signalingState));
                  this.addEventListener('iceconnectionstatechange', () => mark('ice ' + this.iceConnectionState));
                  this.addEventListener('connectionstatechange', () => mark('connection ' + this.connectionState));
                  this.addEventListener('icecandidate', (e) => { if (e.candidate && !this.__firstCandidate) { this.__firstCandidate = true; mark('first local candidate'); } });
                  this.addEventListener('track', (e) => mark('track ' + e.track.kind));
                }
              };
              const displayStreams = [];
              if (navigator.mediaDevices && navigator.mediaDevices.getDisplayMedia) {
                const nativeGetDisplayMedia = navigator.mediaDevices.getDisplayMedia.bind(navigator.mediaDevices);
                navigator.mediaDevices.getDisplayMedia = async (...args) => {
                  const stream = await nativeGetDisplayMedia(...args);
                  displayStreams.push(stream);
                  return stream;
                };
              }
              window.__probe = {
                slotMessages,
                speakingSent,
                /**
                 * Last-N: when {@code id}'s tile first decodes a keyframe on the slot it was given
                 * after this call (epoch ms in {@code switched[id]}; the getStats() call that saw it
                 * began at {@code switchedAfter[id]}): a slot re-pointed to a camera shows it from
                 * the camera's next keyframe on.
                 */
                async watchSwitchTo(id) {
                  const inbound = async () => {
                    const byTrack = new Map();
                    for (const pc of peers) {
                      if (pc.signalingState === 'closed') continue;
                      (await pc.getStats()).forEach((r) => {
                        if (r.type === 'inbound-rtp' && r.kind === 'video') byTrack.set(r.trackIdentifier, r);
                      });
                    }
                    return byTrack;
                  };
                  const keyFramesOf = (r) => (r && r.keyFramesDecoded) || 0;
                  const before = await inbound();
                  const started = Date.now();
                  window.__probe.switched = window.__probe.switched || {};
                  const tick = async () => {
                    const tile = document.querySelector('[data-testid="participant-tile"][data-participant-id="' + id + '"]');
                    const video = tile && tile.dataset.video === 'shown' ? tile.querySelector('video') : null;
                    const track = video && video.srcObject ? video.srcObject.getVideoTracks()[0] : null;
                    if (track) {
                      const asked = Date.now(); // getStats() takes long on a busy page: what it reads is from between the two
                      const now = await inbound();
                      const r = now.get(track.id);
                      if (keyFramesOf(r) > keyFramesOf(before.get(track.id))) {
                        window.__probe.switched[id] = Date.now();
                        (window.__probe.switchedAfter = window.__probe.switchedAfter || {})[id] = asked;
                        return;
                      }
                    }
                    if (Date.now() - started < 120000) setTimeout(tick, 10);
                  };
                  tick();
                },
                /**
                 * Last-N: every video track this page receives at this call, read frame by frame
                 * from a copy of it, as runs of frames of one shape (16:9, 4:3 or 1:1, from the
                 * decoded size) in {@code frameShapes[track id]}: {shape, first, last, frames}, epoch
                 * ms of a run's first and last frame. When the cameras differ in shape this tells
                 * whose camera a slot carries, and from which decoded frame on, without polling
                 * (the times are when the page's script got the frame: on a busy page, late, and a
                 * frame the script did not take in time is dropped from the count). Calling it
                 * again also reads tracks that came since.
                 */
                watchFrameShapes() {
                  const shapes = window.__probe.frameShapes = window.__probe.frameShapes || {};
                  const readers = window.__probe.frameReaders = window.__probe.frameReaders || [];
                  for (const pc of peers) {
                    if (pc.signalingState === 'closed') continue;
                    for (const receiver of pc.getReceivers()) {
                      const track = receiver.track;
                      if (!track || track.kind !== 'video' || track.readyState !== 'live' || shapes[track.id]) continue;
                      const runs = shapes[track.id] = [];
                      const copy = track.clone();
                      const reader = new MediaStreamTrackProcessor({ track: copy }).readable.getReader();
                      readers.push({ reader, copy });
                      // A failed read ends this track's runs; it is noted so that a wait on them says why.
                      (async () => {
                        for (;;) {
                          const { value: frame, done } = await reader.read();
                          if (done) return;
                          const at = Date.now();
                          const ratio = frame.displayWidth / frame.displayHeight;
                          frame.close();
                          const shape = ratio > 1.55 ? '16:9' : ratio > 1.15 ? '4:3' : ratio > 0.87 ? '1:1' : 'other';
                          const run = runs[runs.length - 1];
                          if (run && run.shape === shape) { run.last = at; run.frames++; } else runs.push({ shape, first: at, last: at, frames: 1 });
                        }
                      })().catch((e) => { runs.error = String(e); });
                    }
                  }
                },
                /** Stops reading the frames {@code watchFrameShapes} reads, and forgets their runs: reading costs the page CPU. */
                stopWatchingFrameShapes() {
                  for (const { reader, copy } of window.__probe.frameReaders || []) { reader.cancel().catch(() => {}); copy.stop(); }
                  window.__probe.frameReaders = [];
                  window.__probe.frameShapes = {};
                },
                /**
                 * The page's own cameras: when (epoch ms) each sending connection's count of keyframe
                 * requests received (PLI, FIR) or of keyframes encoded grew, in {@code keyframesOut}
                 * (with the encoder's target rate and frame size then), for two minutes from this call.
                 */
                watchKeyframesOut() {
                  const out = window.__probe.keyframesOut = [];
                  const last = new Map();
                  const started = Date.now();
                  const tick = async () => {
                    for (const pc of peers) {
                      if (pc.signalingState === 'closed') continue;
                      (await pc.getStats()).forEach((r) => {
                        if (r.type !== 'outbound-rtp' || r.kind !== 'video') return;
                        const now = { pli: r.pliCount || 0, fir: r.firCount || 0, key: r.keyFramesEncoded || 0 };
                        const was = last.get(r.id);
                        if (was) {
                          // With the encoder's target rate and frame size then: a keyframe's size sets how long it takes to send.
                          const as = ' (' + Math.round((r.targetBitrate || 0) / 1000) + ' kbps' + (r.frameWidth ? ', ' + r.frameWidth + 'x' + r.frameHeight : '') + ')';
                          for (const k of Object.keys(now)) if (now[k] > was[k]) out.push({ at: Date.now(), what: k + as });
                        }
                        last.set(r.id, now);
                      });
                    }
                    if (Date.now() - started < 120000) setTimeout(tick, 50);
                  };
                  tick();
                },
                /** What the browser's own "Stop sharing" bar does: the capture track ends. */
                endScreenCapture() {
                  displayStreams.forEach((s) => s.getVideoTracks().forEach((t) => { t.stop(); t.dispatchEvent(new Event('ended')); }));
                },
                timeline,
                /** Marks the join click and each connection's first decoded video frame in the timeline. */
                watchFirstFrames() {
                  document.addEventListener('click', (e) => {
                    if (e.target.closest('[data-testid="join"]')) timeline.push({ pc: -1, what: 'join click', at: Math.round(performance.now()) });
                  }, true);
                  const seen = new Set();
                  const started = performance.now();
                  const tick = async () => {
                    for (const [n, pc] of peers.entries()) {
                      if (seen.has(n) || pc.signalingState === 'closed') continue;
                      (await pc.getStats()).forEach((r) => {
                        if (r.type === 'inbound-rtp' && r.kind === 'video' && r.framesDecoded > 0 && !seen.has(n)) {
                          seen.add(n);
                          timeline.push({ pc: n, what: 'first frame', at: Math.round(performance.now()) });
                        }
                      });
                    }
                    if (performance.now() - started < 60000) setTimeout(tick, 20);
                  };
                  tick();
                },
                /** How many peer connections the page has made so far. */
                peerCount() { return peers.length; },
                /** Frames decoded of each remote camera: video tracks shown in a participant tile,
                    on open connections made after the first {@code since}. */
                async framesDecoded(since = 0) {
                  const counts = [];
                  const shown = new Set();
                  document.querySelectorAll('[data-testid="participant-tile"] video').forEach((v) => {
                    if (v.srcObject) v.srcObject.getVideoTracks().forEach((t) => shown.add(t.id));
                  });
                  for (const pc of peers.slice(since)) {
                    if (pc.signalingState === 'closed') continue;
                    (await pc.getStats()).forEach((r) => {
                      if (r.type === 'inbound-rtp' && r.kind === 'video' && shown.has(r.trackIdentifier)) counts.push(r.framesDecoded || 0);
                    });
                  }
                  return counts;
                },
                dropSignaling() { sockets[sockets.length - 1].close(); },
                // A message sent by hand on the page's signaling socket, as a hostile page would.
                send(message) { sockets[sockets.length - 1].send(JSON.stringify(message)); },
                localDescriptions() {
                  return peers.filter((pc) => pc.signalingState !== 'closed').map((pc) => pc.localDescription?.sdp || '');
                },
                sentTrackLabels(kind) {
                  return peers.filter((pc) => pc.signalingState !== 'closed').flatMap((pc) => pc.getSenders())
                    .filter((s) => s.track && s.track.kind === kind).map((s) => s.track.label);
                },
                /** Kurento rooms: the sound energy received so far on the connection that plays in the room's audio element. */
                async roomAudioEnergy() {
                  const audio = document.getElementById('room-audio');
                  const tracks = new Set((audio && audio.srcObject ? audio.srcObject.getAudioTracks() : []).map((t) => t.id));
                  let energy = 0;
                  for (const pc of peers) {
                    if (pc.signalingState === 'closed') continue;
                    (await pc.getStats()).forEach((r) => {
                      if (r.type === 'inbound-rtp' && r.kind === 'audio' && tracks.has(r.trackIdentifier)) energy += r.totalAudioEnergy || 0;
                    });
                  }
                  return energy;
                },
                async inboundAudioPackets() {
                  let total = 0;
                  for (const pc of peers) {
                    if (pc.signalingState === 'closed') continue;
                    (await pc.getStats()).forEach((r) => {
                      if (r.type === 'inbound-rtp' && r.kind === 'audio') total += r.packetsReceived || 0;
                    });
                  }
                  return total;
                },
                /** One line per peer connection: states, transceivers and the remote stream ids. */
                describePeers() {
                  return peers.map((pc) => pc.signalingState + ' ' + pc.connectionState + ' ['
                    + pc.getTransceivers().map((t) => t.mid + ':' + t.direction + '/' + t.currentDirection + ':' + t.receiver.track.kind).join(',')
                    + '] remote-msid ' + ((pc.remoteDescription?.sdp || '').match(/a=msid:\\S+/g) || []).join(' '))
                    .join(' | ') + ' sockets ' + sockets.map((s) => s.readyState).join(',');
                },
                openConnections() {
                  return peers.filter((pc) => pc.signalingState !== 'closed').map((pc) => pc.signalingState);
                },
                statuses: [],
                /** The same changes with when they happened (epoch ms). */
                statusTimes: [],
                watchStatus() {
                  const status = document.querySelector('[data-testid="connection-status"]');
                  new MutationObserver(() => {
                    window.__probe.statuses.push(status.dataset.state);
                    window.__probe.statusTimes.push({ state: status.dataset.state, at: Date.now() });
                  }).observe(status, { attributes: true, attributeFilter: ['data-state'] });
                },
                removedTiles: 0,
                watchTiles() {
                  new MutationObserver((records) => records.forEach((r) => r.removedNodes.forEach((n) => {
                    if (n.dataset && n.dataset.testid === 'participant-tile') window.__probe.removedTiles++;
                  }))).observe(document.getElementById('tiles'), { childList: true });
                },
              };
            })();
            """;

    public final String label;
    public final ChromeDriver driver;
    private final Path profile;

    public Browser(String label) throws IOException {
        this(label, true);
    }

    /** {@code withDevices=false}: a machine with no camera and no microphone at all. */
    public Browser(String label, boolean withDevices) throws IOException {
        this(label, withDevices, null);
    }

    /** A fake camera that plays {@code camera} (a .y4m file, looped) instead of Chromium's own pattern. */
    public Browser(String label, Path camera) throws IOException {
        this(label, true, camera);
    }

    private Browser(String label, boolean withDevices, Path camera) throws IOException {
        this.label = label;
        this.profile = Files.createTempDirectory("palaver-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments(
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--use-fake-ui-for-media-stream",
                "--autoplay-policy=no-user-gesture-required",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                // Candidates carry this machine's own address; never ask the network to resolve mDNS names.
                "--disable-features=WebRtcHideLocalIpsWithMdns",
                "--window-size=1280,720",
                "--user-data-dir=" + profile);
        if (withDevices) {
            options.addArguments("--use-fake-device-for-media-stream");
        }
        if (camera != null) {
            options.addArguments("--use-file-for-fake-video-capture=" + camera.toAbsolutePath());
        }
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER))
                .usingAnyFreePort()
                .build();
        driver = new ChromeDriver(service, options);
        driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", PROBE));
    }

    public void open(String url) {
        driver.get(url);
    }

    public WebElement byTestId(String id) {
        return driver.findElement(By.cssSelector("[data-testid=\"" + id + "\"]"));
    }

    /** The visible one of several elements with this test id (pre-join and call both have toggles). */
    public WebElement visible(String id) {
        return driver.findElements(By.cssSelector("[data-testid=\"" + id + "\"]")).stream()
                .filter(WebElement::isDisplayed).findFirst()
                .orElseThrow(() -> new AssertionError(label + ": no visible " + id));
    }

    public List<WebElement> tiles() {
        return driver.findElements(By.cssSelector("[data-testid=\"participant-tile\"]"));
    }

    public WebDriverWait waiting(Duration timeout) {
        WebDriverWait wait = new WebDriverWait(driver, timeout, Duration.ofMillis(50));
        wait.withMessage(() -> label + ": " + driver.getCurrentUrl() + " " + pageState());
        return wait;
    }

    /** What a page shows, for a failed wait: its visible part, error banner, status and connections. */
    public String pageState() {
        try {
            return String.valueOf(driver.executeScript("""
                    const parts = ['loading', 'not-found', 'prejoin', 'call', 'left', 'removed', 'ended', 'lobby', 'denied']
                      .filter((id) => document.getElementById(id) && !document.getElementById(id).hidden);
                    const error = document.getElementById('error');
                    const status = document.querySelector('[data-testid="connection-status"]');
                    return 'showing ' + JSON.stringify(parts)
                      + (error && !error.hidden ? ', error "' + error.textContent + '"' : '')
                      + (status ? ', status ' + status.dataset.state : '')
                      + (window.__probe ? ', ' + window.__probe.describePeers() : '');"""));
        } catch (RuntimeException e) {
            return "(page state unreadable: " + e.getMessage().lines().findFirst().orElse("") + ")";
        }
    }

    public List<Long> framesDecoded() {
        return framesDecoded(0);
    }

    /** Frames decoded per remote camera, counting only peer connections made after the first {@code since}. */
    @SuppressWarnings("unchecked")
    public List<Long> framesDecoded(long since) {
        return (List<Long>) driver.executeAsyncScript(
                "const done = arguments[arguments.length - 1]; window.__probe.framesDecoded(arguments[0]).then(done, () => done([]));", since);
    }

    /** The peer connection milestones since the join click, one line each: "+312 ms pc1 ice connected". */
    @SuppressWarnings("unchecked")
    public String timeline() {
        List<Map<String, Object>> marks = (List<Map<String, Object>>) script("return window.__probe.timeline");
        long click = marks.stream().filter(m -> "join click".equals(m.get("what")))
                .mapToLong(m -> ((Number) m.get("at")).longValue()).findFirst().orElse(0);
        StringBuilder out = new StringBuilder();
        for (Map<String, Object> m : marks) {
            out.append(String.format("%n  %+6d ms pc%s %s", ((Number) m.get("at")).longValue() - click, m.get("pc"), m.get("what")));
        }
        return out.toString();
    }

    /**
     * Waits for the page's first decoded remote frame and returns the milliseconds from the join
     * click to it, both as the page itself marked them (see {@code watchFirstFrames}): what the
     * person sees, without the driver's polling in between.
     */
    public long clickToFirstFrame(Duration timeout) {
        String elapsed = """
                const marks = window.__probe.timeline;
                const click = marks.find((m) => m.what === 'join click');
                const frame = marks.find((m) => m.what === 'first frame');
                return click && frame ? frame.at - click.at : null;""";
        waiting(timeout).until(d -> script(elapsed) != null);
        return ((Number) script(elapsed)).longValue();
    }

    /** How many peer connections the page has made so far (closed ones included). */
    public long peerCount() {
        return ((Number) script("return window.__probe.peerCount()")).longValue();
    }

    /** Opens the room, waits for the camera preview, joins; returns the moment of the click. */
    public long join(String url, String name, Duration timeout) {
        open(url);
        script("window.__probe.watchFirstFrames()");
        WebElement nameInput = byTestId("display-name");
        waiting(timeout).until(d -> nameInput.isDisplayed());
        waiting(timeout).until(d -> ((Number) script(
                "return document.querySelector('[data-testid=\"preview\"]').videoWidth")).intValue() > 0);
        nameInput.clear();
        nameInput.sendKeys(name);
        long clicked = System.nanoTime();
        byTestId("join").click();
        waiting(timeout).until(d -> "connected".equals(connectionStatus()));
        return clicked;
    }

    /** Waits for the first decoded remote frame; returns the milliseconds since {@code since} (a nanoTime). */
    public long awaitFirstFrame(long since, Duration timeout) {
        waiting(timeout).until(d -> framesDecoded().stream().anyMatch(n -> n > 0));
        return Duration.ofNanos(System.nanoTime() - since).toMillis();
    }

    /**
     * Decodes video from {@code count} others, and keeps decoding: each one's count grows within
     * {@link #STILL_DECODING} (a page starved of CPU on a loaded machine may skip a second; a
     * stream that has stopped never grows).
     */
    public void assertDecodingFrom(int count, Duration timeout) throws InterruptedException {
        try {
            waiting(timeout).until(d -> {
                List<Long> frames = framesDecoded();
                return frames.size() == count && frames.stream().allMatch(n -> n > 0);
            });
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError(label + " does not decode from " + count + ": " + framesDecoded() + "; peers: "
                    + script("return window.__probe.describePeers()"), e);
        }
        List<Long> before = framesDecoded();
        long deadline = System.nanoTime() + STILL_DECODING.toNanos();
        List<Long> after;
        do {
            Thread.sleep(500);
            after = framesDecoded();
        } while (!allGrew(before, after, count) && System.nanoTime() < deadline);
        if (!allGrew(before, after, count)) {
            throw new AssertionError(label + " stopped decoding: " + before + " -> " + after + " over "
                    + STILL_DECODING.toSeconds() + " s; peers: " + script("return window.__probe.describePeers()"));
        }
    }

    /** How long every decoded stream has to show new frames in {@link #assertDecodingFrom}. */
    static final Duration STILL_DECODING = Duration.ofSeconds(5);

    private static boolean allGrew(List<Long> before, List<Long> after, int count) {
        if (after.size() < count) {
            return false;
        }
        for (int i = 0; i < count; i++) {
            if (after.get(i) <= before.get(i)) {
                return false;
            }
        }
        return true;
    }

    /** Kurento rooms: the sound energy received so far on the room's mix (a sum of squares, grows while there is sound). */
    public double roomAudioEnergy() {
        return ((Number) driver.executeAsyncScript("const done = arguments[arguments.length - 1];"
                + " window.__probe.roomAudioEnergy().then(done, () => done(0));")).doubleValue();
    }

    /** Kurento rooms: the room's audio element plays the mix, and sound (not silence) keeps arriving on it. */
    public void assertHearingTheRoom(Duration timeout) throws InterruptedException {
        try {
            waiting(timeout).until(d -> roomAudioEnergy() > 0);
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError(label + " hears nothing from the room's mix; peers: " + script("return window.__probe.describePeers()"), e);
        }
        double first = roomAudioEnergy();
        Thread.sleep(2000);
        double later = roomAudioEnergy();
        if (later <= first) {
            throw new AssertionError(label + ": the room's sound stopped: energy " + first + " -> " + later);
        }
    }

    /** The screen tile of {@code sharerId} shows the fake 800x600 screen, with frames still coming. */
    public void assertScreenDecodes(String sharerId, Duration timeout) throws InterruptedException {
        String video = "document.querySelector('[data-testid=screen-tile][data-participant-id=\"" + sharerId + "\"] video')";
        String frames = "const v = " + video + "; return v ? v.getVideoPlaybackQuality().totalVideoFrames : -1;";
        try {
            waiting(timeout).until(d -> ((Number) script(frames)).longValue() > 0);
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError(label + " shows no screen; peers: " + script("return window.__probe.describePeers()")
                    + "; statuses " + script("return window.__probe.statuses"), e);
        }
        long first = ((Number) script(frames)).longValue();
        Thread.sleep(700);
        if (((Number) script(frames)).longValue() <= first) {
            throw new AssertionError(label + ": the screen stopped decoding");
        }
        long width = ((Number) script("return " + video + ".videoWidth")).longValue();
        if (width != 800) {
            throw new AssertionError(label + ": the fake 800x600 screen, not a camera, was expected; width " + width);
        }
    }

    /** The participant id on the tile named {@code name}. */
    public String tileIdNamed(String name) {
        return tiles().stream()
                .filter(t -> t.findElement(By.cssSelector("[data-testid=\"participant-name\"]")).getText().equals(name))
                .findFirst().orElseThrow(() -> new AssertionError(label + ": no tile named " + name))
                .getAttribute("data-participant-id");
    }

    public WebElement tile(String id) {
        return driver.findElement(By.cssSelector("[data-testid=\"participant-tile\"][data-participant-id=\"" + id + "\"]"));
    }

    public void awaitTileAttribute(String id, String attribute, String value, Duration timeout) {
        waiting(timeout).until(d -> value.equals(tile(id).getAttribute(attribute)));
    }

    /** The signaling state of every peer connection of the page that is not closed. */
    @SuppressWarnings("unchecked")
    public List<String> openConnections() {
        return (List<String>) driver.executeScript("return window.__probe.openConnections()");
    }

    /** Opens a room page, enters the name and presses Enter, and waits until the page says it is connected. */
    public void joinCall(String url, String name, Duration timeout) {
        open(url);
        WebElement input = byTestId("display-name");
        waiting(timeout).until(d -> input.isDisplayed());
        // Enter sends the form as a click on Join does; a click could land beside the button when
        // the device check's message appears above it just then, and the page would never join.
        input.sendKeys(name, Keys.ENTER);
        waiting(timeout).until(d -> "connected".equals(connectionStatus()));
    }

    /** The page's {@code connection-status}: connected, reconnecting or disconnected. */
    public String connectionStatus() {
        return byTestId("connection-status").getAttribute("data-state");
    }

    public Object script(String js, Object... args) {
        return driver.executeScript(js, args);
    }

    /** Runs a page function that returns a promise; waits for it and returns what it resolves to. */
    public Object awaitScript(String call, Object... args) {
        return driver.executeAsyncScript("const done = arguments[arguments.length - 1]; Promise.resolve(" + call
                + ").then(done, (e) => done('failed: ' + e));", args);
    }

    public void screenshot(String name) {
        try {
            Path dir = Path.of(System.getProperty("palaver.screenshots", "target/screenshots"));
            Files.createDirectories(dir);
            Files.write(dir.resolve(name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
        } catch (IOException | RuntimeException e) {
            System.err.println("screenshot " + name + " failed: " + e);
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            deleteQuietly(profile.toFile());
        }
    }

    private static void deleteQuietly(File file) {
        File[] children = file.listFiles();
        if (children != null) {
            for (File child : children) {
                deleteQuietly(child);
            }
        }
        file.delete();
    }
}
