package org.palaver.it;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.By;
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
              const sockets = [], peers = [];
              const NativeWebSocket = window.WebSocket;
              window.WebSocket = class extends NativeWebSocket {
                constructor(...args) { super(...args); sockets.push(this); }
              };
              const NativePeerConnection = window.RTCPeerConnection;
              window.RTCPeerConnection = class extends NativePeerConnection {
                constructor(...args) { super(...args); peers.push(this); }
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
                /** What the browser's own "Stop sharing" bar does: the capture track ends. */
                endScreenCapture() {
                  displayStreams.forEach((s) => s.getVideoTracks().forEach((t) => { t.stop(); t.dispatchEvent(new Event('ended')); }));
                },
                /** Frames decoded of each remote camera: video tracks shown in a participant tile. */
                async framesDecoded() {
                  const counts = [];
                  const shown = new Set();
                  document.querySelectorAll('[data-testid="participant-tile"] video').forEach((v) => {
                    if (v.srcObject) v.srcObject.getVideoTracks().forEach((t) => shown.add(t.id));
                  });
                  for (const pc of peers) {
                    if (pc.signalingState === 'closed') continue;
                    (await pc.getStats()).forEach((r) => {
                      if (r.type === 'inbound-rtp' && r.kind === 'video' && shown.has(r.trackIdentifier)) counts.push(r.framesDecoded || 0);
                    });
                  }
                  return counts;
                },
                dropSignaling() { sockets[sockets.length - 1].close(); },
                localDescriptions() {
                  return peers.filter((pc) => pc.signalingState !== 'closed').map((pc) => pc.localDescription?.sdp || '');
                },
                sentTrackLabels(kind) {
                  return peers.filter((pc) => pc.signalingState !== 'closed').flatMap((pc) => pc.getSenders())
                    .filter((s) => s.track && s.track.kind === kind).map((s) => s.track.label);
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
                watchStatus() {
                  const status = document.querySelector('[data-testid="connection-status"]');
                  new MutationObserver(() => window.__probe.statuses.push(status.dataset.state))
                    .observe(status, { attributes: true, attributeFilter: ['data-state'] });
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
        wait.withMessage(() -> label + ": " + driver.getCurrentUrl());
        return wait;
    }

    @SuppressWarnings("unchecked")
    public List<Long> framesDecoded() {
        return (List<Long>) driver.executeAsyncScript(
                "const done = arguments[arguments.length - 1]; window.__probe.framesDecoded().then(done, () => done([]));");
    }

    /** The signaling state of every peer connection of the page that is not closed. */
    @SuppressWarnings("unchecked")
    public List<String> openConnections() {
        return (List<String>) driver.executeScript("return window.__probe.openConnections()");
    }

    /** Opens a room page, enters the name, joins, and waits until the page says it is connected. */
    public void joinCall(String url, String name, Duration timeout) {
        open(url);
        WebElement input = byTestId("display-name");
        waiting(timeout).until(d -> input.isDisplayed());
        input.sendKeys(name);
        byTestId("join").click();
        waiting(timeout).until(d -> "connected".equals(connectionStatus()));
    }

    /** The page's {@code connection-status}: connected, reconnecting or disconnected. */
    public String connectionStatus() {
        return byTestId("connection-status").getAttribute("data-state");
    }

    public Object script(String js) {
        return driver.executeScript(js);
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
