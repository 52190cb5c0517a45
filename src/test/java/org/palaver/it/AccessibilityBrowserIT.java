package org.palaver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.deque.html.axecore.results.Results;
import com.deque.html.axecore.results.Rule;
import com.deque.html.axecore.selenium.AxeBuilder;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.interactions.Actions;

/**
 * The create, pre-join and call pages through axe-core (Deque's engine, run inside the page by
 * its Selenium integration, from Maven Central): no serious or critical finding on any of them.
 * Every finding is printed, whatever its impact. Then the call's keyboard shortcuts: M for the
 * microphone, V for the camera, and neither while typing in the chat.
 */
@ExtendWith(ArquillianExtension.class)
class AccessibilityBrowserIT {

    static final Duration UI = Duration.ofSeconds(40);

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.builtWar();
    }

    @ArquillianResource
    URL reported;

    @Test
    void pagesHaveNoSeriousFindingsAndTheCallAnswersItsShortcuts() throws Exception {
        Deployments.onlyOnPayara("the pages are the same whichever server serves them: one server is enough");
        URI base = Deployments.loopback(reported);
        try (Browser alice = new Browser("a11y-alice")) {
            alice.open(base.toString());
            alice.waiting(UI).until(d -> alice.byTestId("create-room").isDisplayed());
            assertNoSeriousFindings(alice, "create page");

            String roomId = Deployments.createRoom(base);
            String url = base + "room/" + roomId;
            alice.open(url);
            alice.waiting(UI).until(d -> alice.byTestId("display-name").isDisplayed());
            assertNoSeriousFindings(alice, "pre-join page");

            alice.join(url, "Alice", UI);
            try (SignalClient bob = SignalClient.join(base, roomId, "Bob")) {
                alice.waiting(UI).until(d -> alice.tiles().size() == 1);
                assertNoSeriousFindings(alice, "call page");

                // Shortcuts act on the page, not while a field has the keyboard.
                alice.driver.findElement(By.tagName("body")).click();
                new Actions(alice.driver).sendKeys("m").perform();
                alice.waiting(UI).until(d -> "true".equals(alice.visible("toggle-mic").getAttribute("aria-pressed")));
                new Actions(alice.driver).sendKeys("v").perform();
                alice.waiting(UI).until(d -> "true".equals(alice.visible("toggle-camera").getAttribute("aria-pressed")));
                bob.await(m -> "media-state".equals(m.getString("type")) && m.getBoolean("audioMuted", false)
                        && m.getBoolean("videoMuted", false), "Alice's mic and camera off, from her keys");
                alice.byTestId("chat-input").sendKeys("mv" + Keys.ENTER);
                bob.await(m -> "chat".equals(m.getString("type")) && "mv".equals(m.getString("text")), "the typed chat");
                assertEquals("true", alice.visible("toggle-mic").getAttribute("aria-pressed"), "typing m in the chat is text");
                assertEquals("true", alice.visible("toggle-camera").getAttribute("aria-pressed"), "typing v in the chat is text");
                new Actions(alice.driver).sendKeys(Keys.ESCAPE).perform();
                alice.driver.findElement(By.tagName("body")).click();
                new Actions(alice.driver).sendKeys("m").perform();
                alice.waiting(UI).until(d -> "false".equals(alice.visible("toggle-mic").getAttribute("aria-pressed")));
            }
        }
    }

    /** axe-core's findings on the page as it is now; fails on any serious or critical one. */
    private static void assertNoSeriousFindings(Browser b, String page) {
        Results results = new AxeBuilder().analyze(b.driver);
        List<Rule> violations = results.getViolations();
        violations.forEach(rule -> System.out.println("axe " + page + ": " + describe(rule)));
        List<Rule> serious = violations.stream()
                .filter(rule -> "serious".equals(rule.getImpact()) || "critical".equals(rule.getImpact())).toList();
        b.screenshot("a11y-" + page.replace(' ', '-'));
        assertTrue(serious.isEmpty(), page + ": " + serious.stream().map(AccessibilityBrowserIT::describe)
                .collect(Collectors.joining("\n  ", "\n  ", "")));
        assertTrue(results.getPasses().size() > 10, page + ": axe ran its rules (" + results.getPasses().size() + " passed)");
    }

    private static String describe(Rule rule) {
        return rule.getImpact() + " " + rule.getId() + " (" + rule.getHelp() + ") at "
                + rule.getNodes().stream().map(n -> String.valueOf(n.getTarget())).limit(5).collect(Collectors.joining(", "));
    }
}
