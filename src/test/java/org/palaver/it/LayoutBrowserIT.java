package org.palaver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The call page fits its window: at 1280×720, 1920×1080 and 390×844, with 2, 4 and 6 people, in
 * grid and speaker view and with a shared screen, every tile lies inside the stage, no two
 * overlap, the stage stays above the controls and every control is on screen. One Chromium is
 * the observer; the other people are signaling clients, which make tiles as real participants
 * do (the layout depends on how many tiles there are, not on their pixels). Screenshots of every
 * arrangement land in target/screenshots/layout-*.
 */
@ExtendWith(ArquillianExtension.class)
class LayoutBrowserIT {

    static final Duration UI = Duration.ofSeconds(40);
    static final int[][] SIZES = {{1280, 720}, {1920, 1080}, {390, 844}};

    /** Problems with the arrangement as the page shows it now, one line each; empty when it fits. */
    private static final String CHECK = """
            const problems = [];
            const box = (el) => el.getBoundingClientRect();
            const stageEl = document.getElementById('tiles');
            const stage = box(stageEl);
            const eps = 0.5;
            const tiles = [...stageEl.children].filter((t) => t.classList.contains('tile'))
              .map((t) => ({ name: (t.dataset.testid || 'tile') + ':' + (t.dataset.participantId || 'self').slice(0, 6), r: box(t), large: t.dataset.large === 'true' }));
            const inside = (r, o) => r.left >= o.left - eps && r.top >= o.top - eps && r.right <= o.right + eps && r.bottom <= o.bottom + eps;
            for (const t of tiles) {
              if (t.r.width < 40 || t.r.height < 20) problems.push(t.name + ' is too small: ' + t.r.width + 'x' + t.r.height);
              if (!inside(t.r, stage)) problems.push(t.name + ' ' + JSON.stringify(t.r) + ' lies outside the stage ' + JSON.stringify(stage));
            }
            for (let i = 0; i < tiles.length; i++) for (let j = i + 1; j < tiles.length; j++) {
              const a = tiles[i].r, b = tiles[j].r;
              const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
              const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
              if (w > eps && h > eps) problems.push(tiles[i].name + ' overlaps ' + tiles[j].name);
            }
            const controls = box(document.querySelector('.call-controls'));
            if (stage.bottom > controls.top + eps) problems.push('the stage reaches under the controls');
            if (controls.bottom > innerHeight + eps) problems.push('the controls end below the window');
            for (const c of document.querySelectorAll('.call-controls button, .call-controls summary')) {
              if (c.closest('[hidden]')) continue;
              const r = box(c);
              if (r.left < -eps || r.right > innerWidth + eps || r.top < -eps || r.bottom > innerHeight + eps || r.width === 0) {
                problems.push('control "' + c.textContent.trim() + '" is off screen: ' + JSON.stringify(r));
              }
            }
            const large = tiles.filter((t) => t.large);
            if (arguments[0] && large.length !== 1) problems.push('expected one large tile, found ' + large.length);
            for (const l of large) for (const t of tiles) {
              if (t !== l && t.r.width * t.r.height * 2 > l.r.width * l.r.height) problems.push(t.name + ' is not clearly smaller than the large tile');
            }
            if (!arguments[0]) {
              const area = tiles.reduce((s, t) => s + t.r.width * t.r.height, 0);
              if (area < 0.3 * stage.width * stage.height) problems.push('the grid uses only ' + Math.round(100 * area / (stage.width * stage.height)) + '% of the stage');
            }
            const side = document.getElementById('side');
            if (innerWidth <= 800 && !side.hidden && Math.abs(stage.width - box(stageEl.parentElement).width) > 1) {
              problems.push('on a narrow screen the panel takes room from the stage instead of lying over it');
            }
            return problems;""";

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.builtWar();
    }

    @ArquillianResource
    URL reported;

    @Test
    void everyTileFitsAtThreeWindowSizes() throws Exception {
        Deployments.onlyOnPayara("the layout is the page's alone: one server is enough to show it");
        URI base = Deployments.loopback(reported);
        List<SignalClient> others = new ArrayList<>();
        try (Browser alice = new Browser("layout-alice")) {
            alice.open(base.toString());
            String roomId = Deployments.createRoom(base);
            alice.join(base + "room/" + roomId, "Alice", UI);
            try {
                for (int people : new int[] {2, 4, 6}) {
                    while (others.size() < people - 1) {
                        others.add(SignalClient.join(base, roomId, "Guest " + (others.size() + 1)));
                    }
                    alice.waiting(UI).until(d -> alice.tiles().size() == people - 1);
                    for (int[] size : SIZES) {
                        resize(alice, size[0], size[1]);
                        assertFits(alice, people + "-grid", size, false);
                        setSpeakerView(alice, true);
                        assertFits(alice, people + "-speaker", size, true);
                        setSpeakerView(alice, false);
                    }
                }
                // A shared screen: one large tile and the six people in a strip that stays in view.
                resize(alice, 1280, 720);
                alice.visible("share-screen").click();
                alice.waiting(UI).until(d -> !d.findElements(org.openqa.selenium.By.cssSelector("[data-testid=screen-tile]")).isEmpty());
                for (int[] size : SIZES) {
                    resize(alice, size[0], size[1]);
                    assertFits(alice, "6-screen", size, true);
                }
            } finally {
                others.forEach(SignalClient::close);
            }
        }
    }

    /** The window's inner size, exactly (a mobile viewport for the narrow one). */
    private static void resize(Browser b, int width, int height) {
        b.driver.executeCdpCommand("Emulation.setDeviceMetricsOverride",
                Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", width < 600));
        b.waiting(UI).until(d -> ((Number) b.script("return innerWidth")).intValue() == width);
    }

    private static void setSpeakerView(Browser b, boolean speaker) {
        if (!String.valueOf(speaker).equals(b.visible("layout-toggle").getAttribute("aria-pressed"))) {
            b.visible("layout-toggle").click();
        }
        b.waiting(UI).until(d -> String.valueOf(speaker).equals(b.visible("layout-toggle").getAttribute("aria-pressed")));
    }

    /**
     * Fits with the side panel open and, on a narrow screen (where the panel lies over the stage),
     * closed again; the panel is left open for the next size.
     */
    private static void assertFits(Browser b, String what, int[] size, boolean oneLarge) {
        fits(b, what, size, oneLarge);
        if (size[0] < 600) {
            setPanel(b, false);
            fits(b, what + "-panel-closed", size, oneLarge);
            setPanel(b, true);
        }
    }

    private static void setPanel(Browser b, boolean open) {
        if (!String.valueOf(open).equals(b.visible("toggle-panel").getAttribute("aria-pressed"))) {
            b.visible("toggle-panel").click();
        }
        b.waiting(UI).until(d -> String.valueOf(!open).equals(b.byTestId("side-panel").getAttribute("hidden") == null ? "false" : "true"));
    }

    /** Waits for the arrangement to settle and fit; on failure names every problem. */
    @SuppressWarnings("unchecked")
    private static void fits(Browser b, String what, int[] size, boolean oneLarge) {
        String name = "layout-" + what + "-" + size[0] + "x" + size[1];
        List<String> problems = List.of();
        long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        do {
            problems = (List<String>) b.driver.executeScript(CHECK, oneLarge);
            if (problems.isEmpty()) {
                break;
            }
            sleep(100); // the stage arranges on the next animation frame after a change
        } while (System.nanoTime() < until);
        b.screenshot(name);
        assertTrue(problems.isEmpty(), name + ":\n  " + String.join("\n  ", problems));
        assertEquals(size[0], ((Number) b.script("return innerWidth")).intValue(), name);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
