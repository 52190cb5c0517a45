package org.palaver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebElement;

/**
 * People meeting in headless Chromium against the built WAR on Payara Micro: real pages, real
 * WebRTC between separate browser processes, fake camera and microphone. Screenshots land in
 * target/screenshots (always for the call, and of every browser when a test fails).
 */
@ExtendWith(ArquillianExtension.class)
class CallBrowserIT {

    /** Generous: three browsers and a server share two cores; the product is measured in benchmarks, not here. */
    static final Duration UI = Duration.ofSeconds(40);
    static final String MARKUP_NAME = "<img src=x onerror=alert(1)>";

    /**
     * Why a test runs on Payara Micro only: it shows a feature of the page, carried by messages the
     * server relays the same way whichever server it is, and ServerIT and HostsIT check those
     * messages on both servers. The call itself, a reconnect, a page without devices, passcodes and
     * unknown rooms run on both.
     */
    static final String PAGE_FEATURE = "a page feature over messages ServerIT and HostsIT check on both servers";

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.builtWar();
    }

    @ArquillianResource
    URL reported;

    URI base;
    final List<Browser> browsers = new ArrayList<>();
    boolean failed = true;

    @BeforeEach
    void base() {
        base = Deployments.loopback(reported);
    }

    @AfterEach
    void closeBrowsers(TestInfo test) {
        for (Browser browser : browsers) {
            if (failed) {
                browser.screenshot("failed-" + test.getTestMethod().orElseThrow().getName() + "-" + browser.label);
            }
            browser.close();
        }
    }

    @Test
    void threePeopleMeetMuteReconnectAndLeave() throws Exception {
        Browser alice = browser("alice");
        Browser bob = browser("bob");
        Browser carol = browser("carol");

        // Create page: one click, then the absolute room link.
        alice.open(base.toString());
        alice.byTestId("create-room").click();
        WebElement link = alice.byTestId("room-link");
        alice.waiting(UI).until(d -> !link.getText().isBlank());
        String url = link.getText();
        assertTrue(url.startsWith(base + "room/"), url);
        assertTrue(alice.byTestId("copy-link").isDisplayed());
        alice.screenshot("create-page");

        join(alice, url, "Alice");
        join(bob, url, MARKUP_NAME);
        long clicked = join(carol, url, "Carol");
        long firstFrameMillis = awaitFirstFrame(carol, clicked);
        System.out.printf("join click to first decoded remote frame (3rd participant): %d ms%n", firstFrameMillis);

        // Everyone sees the two others, by name, as text.
        assertNames(alice, "Carol", MARKUP_NAME);
        assertNames(bob, "Alice", "Carol");
        assertNames(carol, "Alice", MARKUP_NAME);
        for (Browser b : List.of(alice, carol)) {
            assertEquals(0, b.driver.findElements(By.cssSelector("[data-testid=\"participant-name\"] img")).size());
            assertNoAlert(b);
        }

        // Everyone decodes video from both others, and keeps decoding.
        for (Browser b : List.of(alice, bob, carol)) {
            assertDecodingFromBoth(b);
        }
        alice.screenshot("three-person-call");

        // Mic off, then camera off, at Alice: her tile says so at the others.
        String aliceId = tileIdNamed(bob, "Alice");
        alice.visible("toggle-mic").click();
        assertEquals("true", alice.visible("toggle-mic").getAttribute("aria-pressed"));
        awaitTileAttribute(bob, aliceId, "data-audio-muted", "true");
        awaitTileAttribute(carol, aliceId, "data-audio-muted", "true");
        assertEquals("false", tile(bob, aliceId).getAttribute("data-video-muted"));
        alice.visible("toggle-camera").click();
        awaitTileAttribute(bob, aliceId, "data-video-muted", "true");
        awaitTileAttribute(carol, aliceId, "data-video-muted", "true");

        // Bob's signaling socket drops: he shows reconnecting, then connected; media never stopped,
        // and nobody else's view of him flickered.
        for (Browser b : List.of(alice, carol)) {
            b.script("window.__probe.watchTiles()");
        }
        bob.script("window.__probe.watchStatus(); window.__probe.dropSignaling()");
        bob.waiting(UI).until(d -> ((List<?>) bob.script("return window.__probe.statuses")).contains("connected"));
        assertEquals(List.of("reconnecting", "connected"), bob.script("return window.__probe.statuses"));
        assertDecodingFromBoth(bob);
        for (Browser b : List.of(alice, carol)) {
            assertEquals(2, b.tiles().size());
            assertEquals(0L, b.script("return window.__probe.removedTiles"), b.label + " saw a tile go away");
        }
        assertDecodingFromBoth(alice);

        // Carol closes her window: her tile goes away at the others within a few seconds.
        String carolId = tileIdNamed(alice, "Carol");
        long closed = System.nanoTime();
        carol.driver.close();
        for (Browser b : List.of(alice, bob)) {
            b.waiting(Duration.ofSeconds(5)).until(d -> b.tiles().size() == 1);
            assertTrue(b.driver.findElements(By.cssSelector("[data-participant-id=\"" + carolId + "\"]")).isEmpty());
        }
        System.out.printf("window closed to tile gone at both others: %d ms%n", Duration.ofNanos(System.nanoTime() - closed).toMillis());
        failed = false;
    }

    @Test
    void someoneWithoutCameraOrMicrophoneJoinsToWatch() throws Exception {
        Browser alice = browser("alice");
        Browser dan = browser("dan-no-devices", false);
        alice.open(base.toString());
        String url = base + "room/" + createRoom(alice);
        join(alice, url, "Alice");

        dan.open(url);
        WebElement nameInput = dan.byTestId("display-name");
        dan.waiting(UI).until(d -> nameInput.isDisplayed() && !dan.driver.findElement(By.id("media-problem")).getText().isBlank());
        WebElement problem = dan.driver.findElement(By.id("media-problem"));
        assertTrue(problem.getText().contains("You can still join"), problem.getText());
        // The message comes when the device check ends, maybe as the pointer reaches Join: it is
        // below the Join button, so it cannot move it.
        org.openqa.selenium.Rectangle join = dan.byTestId("join").getRect();
        assertTrue(problem.getRect().getY() >= join.getY() + join.getHeight(),
                "the device check's message is below Join: " + problem.getRect().getY() + " against " + join.getY());
        assertEquals("true", dan.visible("toggle-camera").getAttribute("aria-pressed"));
        assertEquals("true", dan.visible("toggle-mic").getAttribute("aria-pressed"));
        nameInput.sendKeys("Dan");
        dan.byTestId("join").click();
        dan.waiting(UI).until(d -> "connected".equals(status(dan)));

        // Dan receives Alice's video; Alice sees Dan with camera and microphone off.
        dan.waiting(UI).until(d -> dan.framesDecoded().stream().anyMatch(n -> n > 0));
        String danId = tileIdNamed(alice, "Dan");
        awaitTileAttribute(alice, danId, "data-video-muted", "true");
        awaitTileAttribute(alice, danId, "data-audio-muted", "true");
        failed = false;
    }

    @Test
    void chatPeopleListAndRaisedHands() throws Exception {
        Deployments.onlyOnPayara(PAGE_FEATURE);
        Browser alice = browser("chat-alice", false);
        Browser bob = browser("chat-bob", false);
        Browser carol = browser("chat-carol", false);
        alice.open(base.toString());
        String url = base + "room/" + createRoom(alice);
        for (Browser b : List.of(alice, bob, carol)) {
            b.joinCall(url, b.label.substring(5, 6).toUpperCase() + b.label.substring(6), UI);
        }
        for (Browser b : List.of(alice, bob, carol)) {
            b.waiting(UI).until(d -> "3".equals(b.byTestId("participant-count").getText())
                    && b.driver.findElements(By.cssSelector("[data-testid=participant-list-item]")).size() == 3);
        }

        // Chat: with the sender's name, as text, links clickable.
        String text = MARKUP_NAME + " see https://example.org/docs.";
        alice.visible("chat-input").sendKeys(text);
        alice.visible("chat-send").click();
        for (Browser b : List.of(alice, bob, carol)) {
            WebElement message = b.waiting(UI).until(d -> d.findElements(By.cssSelector("[data-testid=chat-message]")).stream().findFirst().orElse(null));
            String author = message.findElement(By.cssSelector("[data-testid=chat-author]")).getText();
            assertEquals(b == alice ? "Alice (you)" : "Alice", author, b.label);
            assertEquals(text, message.findElement(By.cssSelector("[data-testid=chat-text]")).getText(), b.label);
            assertEquals(0, message.findElements(By.tagName("img")).size(), b.label + ": markup became an element");
            WebElement link = message.findElement(By.tagName("a"));
            assertEquals("https://example.org/docs", link.getAttribute("href"), "the full stop is not part of the link");
            assertEquals("noopener noreferrer", link.getAttribute("rel"));
            assertNoAlert(b);
        }

        // Raise hand: on Bob's tile and in the list at the others, and on his own button.
        bob.visible("raise-hand").click();
        bob.waiting(UI).until(d -> "true".equals(bob.visible("raise-hand").getAttribute("aria-pressed")));
        String bobId = tileIdNamed(alice, "Bob");
        for (Browser b : List.of(alice, carol)) {
            awaitTileAttribute(b, bobId, "data-hand-raised", "true");
            b.waiting(UI).until(d -> "true".equals(d.findElement(By.cssSelector(
                    "[data-testid=participant-list-item][data-participant-id=\"" + bobId + "\"]")).getAttribute("data-hand-raised")));
        }
        alice.screenshot("chat-and-raised-hand");

        // A late joiner gets the chat history and sees the raised hand, until it is lowered.
        Browser dan = browser("chat-dan", false);
        dan.joinCall(url, "Dan", UI);
        WebElement history = dan.waiting(UI).until(d -> d.findElements(By.cssSelector("[data-testid=chat-message]")).stream().findFirst().orElse(null));
        assertEquals("Alice", history.findElement(By.cssSelector("[data-testid=chat-author]")).getText());
        assertEquals(text, history.findElement(By.cssSelector("[data-testid=chat-text]")).getText());
        awaitTileAttribute(dan, bobId, "data-hand-raised", "true");
        dan.waiting(UI).until(d -> "4".equals(dan.byTestId("participant-count").getText()));
        bob.visible("raise-hand").click();
        awaitTileAttribute(dan, bobId, "data-hand-raised", "false");
        failed = false;
    }

    @Test
    void activeSpeakerConnectionQualityAndSpeakerLayout() throws Exception {
        Deployments.onlyOnPayara(PAGE_FEATURE);
        Browser alice = browser("speaker-alice");
        Browser bob = browser("speaker-bob");
        Browser carol = browser("speaker-carol");
        alice.open(base.toString());
        String url = base + "room/" + createRoom(alice);
        join(alice, url, "Alice");
        join(bob, url, "Bob");
        join(carol, url, "Carol");
        carol.visible("toggle-mic").click(); // Carol's fake microphone beeps too, but she is muted
        String bobId = tileIdNamed(alice, "Bob");
        String carolId = tileIdNamed(alice, "Carol");
        awaitTileAttribute(alice, carolId, "data-audio-muted", "true");
        // Her beep may have made her the speaker before her mute arrived; the next sample drops her.
        alice.waiting(UI).until(d -> !"true".equals(tile(alice, carolId).getAttribute("data-speaking")));

        // Every tile Alice ever highlights as speaking, from now on.
        alice.script("""
                window.__speakers = new Set();
                new MutationObserver((records) => records.forEach((r) => {
                  if (r.target.dataset.speaking === 'true') window.__speakers.add(r.target.dataset.participantId);
                })).observe(document.getElementById('tiles'), { subtree: true, attributes: true, attributeFilter: ['data-speaking'] });
                document.querySelectorAll('[data-testid=participant-tile][data-speaking=true]')
                  .forEach((t) => window.__speakers.add(t.dataset.participantId));""");
        alice.waiting(UI).until(d -> "true".equals(tile(alice, bobId).getAttribute("data-speaking")));
        Thread.sleep(4000);
        @SuppressWarnings("unchecked")
        List<String> speakers = (List<String>) alice.script("return [...window.__speakers]");
        assertTrue(speakers.contains(bobId), speakers.toString());
        assertFalse(speakers.contains(carolId), "the muted one never counts as speaking: " + speakers);

        // Connection quality of Bob's connection, with its numbers.
        WebElement quality = tile(alice, bobId).findElement(By.cssSelector("[data-testid=connection-quality]"));
        alice.waiting(UI).until(d -> !quality.getAttribute("data-rtt-ms").isEmpty() && !quality.getAttribute("data-fps").isEmpty());
        assertEquals("good", quality.getAttribute("data-quality"), "loopback: " + quality.getAttribute("title"));
        assertTrue(quality.getAttribute("title").contains("Round trip"), quality.getAttribute("title"));
        assertTrue(Double.parseDouble(quality.getAttribute("data-fps")) > 0, quality.getAttribute("title"));

        // Speaker layout: who speaks is large; a pinned person stays large whoever speaks.
        alice.visible("layout-toggle").click();
        assertEquals("speaker", alice.byTestId("participant-tile").findElement(By.xpath("..")).getAttribute("data-layout"));
        alice.waiting(UI).until(d -> "true".equals(tile(alice, bobId).getAttribute("data-featured")));
        tile(alice, carolId).findElement(By.cssSelector("[data-testid=pin]")).click();
        alice.waiting(UI).until(d -> "true".equals(tile(alice, carolId).getAttribute("data-featured")));
        // Whenever Bob is the speaker again, Carol stays the large one.
        alice.waiting(UI).until(d -> "true".equals(tile(alice, bobId).getAttribute("data-speaking")));
        assertEquals("true", tile(alice, carolId).getAttribute("data-featured"));
        assertEquals("false", tile(alice, bobId).getAttribute("data-featured"));
        alice.screenshot("speaker-layout-pinned");
        failed = false;
    }

    @Test
    void switchingTheMicrophoneDuringTheCallNeedsNoRenegotiation() throws Exception {
        Deployments.onlyOnPayara(PAGE_FEATURE);
        Browser alice = browser("devices-alice");
        Browser bob = browser("devices-bob");
        alice.open(base.toString());
        String url = base + "room/" + createRoom(alice);
        join(alice, url, "Alice");
        join(bob, url, "Bob");
        alice.waiting(UI).until(d -> alice.tiles().size() == 1 && !alice.framesDecoded().isEmpty());
        String sdpBefore = (String) alice.script("return window.__probe.localDescriptions().join('|')");

        alice.driver.findElement(By.cssSelector("[data-testid=device-menu] summary")).click();
        org.openqa.selenium.support.ui.Select mics = new org.openqa.selenium.support.ui.Select(alice.visible("call-mic-select"));
        assertTrue(mics.getOptions().size() >= 2, "the fake devices offer several microphones");
        String current = mics.getFirstSelectedOption().getText();
        WebElement other = mics.getOptions().stream().filter(o -> !o.getText().equals(current)).findFirst().orElseThrow();
        String chosen = other.getText();
        mics.selectByVisibleText(chosen);

        alice.waiting(UI).until(d -> chosen.equals(alice.script("return window.__probe.sentTrackLabels('audio')[0]")));
        assertEquals(sdpBefore, alice.script("return window.__probe.localDescriptions().join('|')"), "no new offer or answer");
        long before = audioPacketsAtBob(bob);
        Thread.sleep(1500);
        assertTrue(audioPacketsAtBob(bob) > before, "Bob still receives Alice's audio");
        failed = false;
    }

    private static long audioPacketsAtBob(Browser bob) {
        return ((Number) bob.driver.executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                window.__probe.inboundAudioPackets().then(done, () => done(-1));""")).longValue();
    }

    @Test
    void aSharedScreenDecodesAtTheOthersOneSharerAtATime() throws Exception {
        Deployments.onlyOnPayara(PAGE_FEATURE);
        Browser alice = browser("screen-alice");
        Browser bob = browser("screen-bob");
        alice.open(base.toString());
        String url = base + "room/" + createRoom(alice);
        join(alice, url, "Alice");
        join(bob, url, "Bob");
        String bobId = tileIdNamed(alice, "Bob");
        alice.waiting(UI).until(d -> alice.framesDecoded().stream().anyMatch(n -> n > 0));

        // Bob, who joined second (the side that did not make the first offer), shares.
        bob.visible("share-screen").click();
        bob.waiting(UI).until(d -> "true".equals(bob.visible("share-screen").getAttribute("aria-pressed")));
        assertScreenDecodes(alice, bobId);

        // Someone joining later gets the screen from the start.
        Browser carol = browser("screen-carol");
        join(carol, url, "Carol");
        assertScreenDecodes(carol, bobId);
        alice.screenshot("screen-share");

        // One sharer at a time: Alice is refused while Bob shares.
        alice.visible("share-screen").click();
        alice.waiting(UI).until(d -> alice.byTestId("error-message").getText().contains("already"));
        alice.waiting(UI).until(d -> "false".equals(alice.visible("share-screen").getAttribute("aria-pressed")));
        assertEquals(1, carol.driver.findElements(By.cssSelector("[data-testid=screen-tile]")).size());

        // Bob stops from the browser's own "Stop sharing" bar: the screen goes away everywhere,
        // the cameras keep going.
        bob.script("window.__probe.endScreenCapture()");
        for (Browser b : List.of(alice, carol)) {
            b.waiting(UI).until(d -> d.findElements(By.cssSelector("[data-testid=screen-tile]")).isEmpty());
        }
        bob.waiting(UI).until(d -> "false".equals(bob.visible("share-screen").getAttribute("aria-pressed")));
        List<Long> before = alice.framesDecoded();
        Thread.sleep(700);
        List<Long> after = alice.framesDecoded();
        assertTrue(after.stream().mapToLong(Long::longValue).max().orElse(0) > before.stream().mapToLong(Long::longValue).max().orElse(0),
                "cameras still decode after the screen share ended");
        failed = false;
    }

    private static void assertScreenDecodes(Browser b, String sharerId) throws InterruptedException {
        b.assertScreenDecodes(sharerId, UI);
    }

    @Test
    void passcodeRoomAsksForItAndRefusesAWrongOne() throws Exception {
        Browser host = browser("host");
        host.open(base.toString());
        host.driver.findElement(By.cssSelector("details.options summary")).click();
        host.byTestId("room-passcode").sendKeys("blue-harbour");
        host.byTestId("create-room").click();
        WebElement link = host.byTestId("room-link");
        host.waiting(UI).until(d -> !link.getText().isBlank());

        host.open(link.getText());
        WebElement passcode = host.byTestId("passcode");
        host.waiting(UI).until(d -> passcode.isDisplayed());
        host.byTestId("display-name").sendKeys("Host");
        passcode.sendKeys("wrong-guess");
        host.byTestId("join").click();
        WebElement error = host.byTestId("error-message");
        host.waiting(UI).until(d -> error.isDisplayed() && error.getText().contains("passcode"));
        assertTrue(host.byTestId("join").isDisplayed(), "back at the join form");

        passcode.clear();
        passcode.sendKeys("blue-harbour");
        host.byTestId("join").click();
        host.waiting(UI).until(d -> "connected".equals(status(host)));
        failed = false;
    }

    @Test
    void aHostMutesLocksMakesAHostRemovesAndEndsTheMeeting() throws Exception {
        Deployments.onlyOnPayara(PAGE_FEATURE);
        Browser hanna = browser("host-hanna");
        Browser alice = browser("host-alice");
        Browser carol = browser("host-carol", false); // without devices: four pages sending video would starve two cores

        // The create page shows the host link, and "open" takes the creator in through it.
        hanna.open(base.toString());
        hanna.byTestId("create-room").click();
        WebElement hostLink = hanna.byTestId("host-link");
        hanna.waiting(UI).until(d -> !hostLink.getText().isBlank());
        String url = hanna.byTestId("room-link").getText();
        String hostUrl = hostLink.getText();
        assertTrue(hostUrl.startsWith(url + "#host="), hostUrl);
        assertEquals(hostUrl, hanna.byTestId("open-room").getAttribute("href"));
        join(hanna, hostUrl, "Hanna");
        assertEquals(url, hanna.driver.getCurrentUrl(), "the host secret left the address bar");
        assertEquals("true", hanna.byTestId("self-tile").getAttribute("data-host"));
        assertTrue(hanna.byTestId("lock-room").isDisplayed() && hanna.byTestId("end-meeting").isDisplayed());

        join(alice, url, "Alice");
        String hannaId = alice.tileIdNamed("Hanna");
        awaitTileAttribute(alice, hannaId, "data-host", "true");
        assertFalse(alice.byTestId("lock-room").isDisplayed(), "no host controls for a guest");
        assertFalse(alice.tile(hannaId).findElement(By.cssSelector("[data-testid=participant-menu]")).isDisplayed());

        // Mute Alice from her tile's menu: her own page mutes and says who did it.
        String aliceId = hanna.tileIdNamed("Alice");
        hostAction(hanna, aliceId, "mute-participant");
        alice.waiting(UI).until(d -> "true".equals(alice.visible("toggle-mic").getAttribute("aria-pressed")));
        assertTrue(alice.byTestId("host-notice").getText().contains("Hanna"), alice.byTestId("host-notice").getText());
        awaitTileAttribute(hanna, aliceId, "data-audio-muted", "true");

        // Locked: Carol is told so at the join form; unlocked, she gets in.
        hanna.byTestId("lock-room").click();
        hanna.waiting(UI).until(d -> "true".equals(hanna.byTestId("lock-room").getAttribute("aria-pressed")));
        carol.open(url);
        WebElement name = carol.byTestId("display-name");
        carol.waiting(UI).until(d -> name.isDisplayed());
        name.sendKeys("Carol");
        carol.byTestId("join").click();
        carol.waiting(UI).until(d -> carol.byTestId("room-locked").isDisplayed());
        hanna.byTestId("lock-room").click();
        hanna.waiting(UI).until(d -> "false".equals(hanna.byTestId("lock-room").getAttribute("aria-pressed")));
        carol.byTestId("join").click();
        carol.waiting(UI).until(d -> "connected".equals(status(carol)));

        // With the lobby on, Dave waits until Hanna lets him in.
        hanna.byTestId("lobby-toggle").click();
        hanna.waiting(UI).until(d -> "true".equals(hanna.byTestId("lobby-toggle").getAttribute("aria-pressed")));
        Browser dave = browser("host-dave", false);
        dave.open(url);
        WebElement daveName = dave.byTestId("display-name");
        dave.waiting(UI).until(d -> daveName.isDisplayed());
        daveName.sendKeys("Dave");
        dave.byTestId("join").click();
        dave.waiting(UI).until(d -> dave.byTestId("lobby-waiting").isDisplayed());
        WebElement request = hanna.driver.findElement(By.cssSelector("[data-testid=lobby-request][data-name=Dave]"));
        hanna.waiting(UI).until(d -> request.isDisplayed());
        assertTrue(alice.driver.findElements(By.cssSelector("[data-testid=lobby-request]")).stream().noneMatch(WebElement::isDisplayed),
                "guests never see who waits");
        request.findElement(By.cssSelector("[data-testid=admit]")).click();
        dave.waiting(UI).until(d -> "connected".equals(status(dave)));
        hanna.waiting(UI).until(d -> hanna.tiles().size() == 3);

        // Alice becomes a host and removes Carol.
        hostAction(hanna, aliceId, "make-host");
        alice.waiting(UI).until(d -> alice.byTestId("lock-room").isDisplayed());
        awaitTileAttribute(carol, aliceId, "data-host", "true");
        String carolId = alice.tileIdNamed("Carol");
        hostAction(alice, carolId, "remove-participant");
        carol.waiting(UI).until(d -> carol.byTestId("removed-notice").isDisplayed());
        assertTrue(carol.byTestId("removed-notice").getText().contains("Alice"));
        hanna.waiting(UI).until(d -> hanna.tiles().size() == 2);

        // Hanna ends the meeting for everyone.
        hanna.byTestId("end-meeting").click();
        hanna.driver.switchTo().alert().accept();
        for (Browser b : List.of(hanna, alice, dave)) {
            b.waiting(UI).until(d -> b.byTestId("meeting-ended").isDisplayed());
        }
        assertTrue(alice.byTestId("meeting-ended").getText().contains("Hanna"));
        failed = false;
    }

    /** Opens the host menu on a participant's tile and clicks one of its actions. */
    private static void hostAction(Browser host, String participantId, String action) {
        WebElement menu = host.tile(participantId).findElement(By.cssSelector("[data-testid=participant-menu]"));
        menu.findElement(By.tagName("summary")).click();
        WebElement button = menu.findElement(By.cssSelector("[data-testid=" + action + "]"));
        host.waiting(UI).until(d -> button.isDisplayed());
        button.click();
    }

    @Test
    void unknownRoomSaysSo() throws Exception {
        Browser b = browser("lost");
        b.open(base + "room/AAAAAAAAAAAAAAAAAAAAAA");
        b.waiting(UI).until(d -> b.byTestId("room-not-found").isDisplayed());
        assertTrue(b.byTestId("room-not-found").getText().contains("not found"));
        assertTrue(b.byTestId("room-not-found").findElement(By.cssSelector("a[href=\"/\"]")).isDisplayed());
        failed = false;
    }

    // ---- steps -------------------------------------------------------------------------------

    private Browser browser(String label) throws Exception {
        return browser(label, true);
    }

    private Browser browser(String label, boolean withDevices) throws Exception {
        Browser b = new Browser(label, withDevices);
        browsers.add(b);
        return b;
    }

    private static String createRoom(Browser b) {
        Object id = b.driver.executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                fetch('/api/rooms', {method: 'POST'}).then((r) => r.json()).then((room) => done(room.id));""");
        return (String) id;
    }

    /** Opens the room, checks the camera preview plays, joins; returns the moment of the click. */
    private long join(Browser b, String url, String name) {
        long clicked = b.join(url, name, UI);
        assertTrue(b.byTestId("self-tile").isDisplayed());
        return clicked;
    }

    private static long awaitFirstFrame(Browser b, long clicked) {
        return b.awaitFirstFrame(clicked, UI);
    }

    private static void assertDecodingFromBoth(Browser b) throws InterruptedException {
        b.assertDecodingFrom(2, UI);
    }

    private static void assertNames(Browser b, String... names) {
        b.waiting(UI).until(d -> b.tiles().size() == names.length);
        Set<String> shown = b.tiles().stream()
                .map(t -> t.findElement(By.cssSelector("[data-testid=\"participant-name\"]")).getText())
                .collect(Collectors.toSet());
        assertEquals(Set.of(names), shown, b.label);
    }

    private static void assertNoAlert(Browser b) {
        try {
            b.driver.switchTo().alert();
            throw new AssertionError(b.label + ": a display name ran script");
        } catch (NoAlertPresentException expected) {
            // the name stayed text
        }
    }

    private static String tileIdNamed(Browser b, String name) {
        return b.tileIdNamed(name);
    }

    private static WebElement tile(Browser b, String id) {
        return b.tile(id);
    }

    private static void awaitTileAttribute(Browser b, String id, String attribute, String value) {
        b.awaitTileAttribute(id, attribute, value, UI);
    }

    private static String status(Browser b) {
        return b.byTestId("connection-status").getAttribute("data-state");
    }
}
