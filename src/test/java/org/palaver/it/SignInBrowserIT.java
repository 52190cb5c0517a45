package org.palaver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * Sign-in with a real OpenID Connect provider: an authorization-code round trip through its login
 * page in the browser, started by the tests inside this JVM. The built WAR runs on a server process
 * of its own (Payara Micro or WildFly, see {@link ServerProcess}) configured with the provider's
 * issuer, as an admin would configure it.
 *
 * <p>Covered in one meeting: creating a room needs sign-in; the name comes from the ID token and
 * shows a verified mark; a members-only room sends a guest (who even types a member's name) to the
 * lobby until a host admits them; a guest's hand-sent {@code claim-host} is refused; an expired
 * sign-in is told as such and a new sign-in returns to the room; a member claims host of a room
 * whose host left; a provider that is down gets a clear message.
 */
class SignInBrowserIT {

    /** Generous: waits for the machine (boot, first frames), not measurements of the product. */
    static final Duration UI = Duration.ofSeconds(60);
    /** Carol's first ID token lives this long, so the test sees her sign-in run out. */
    static final long SHORT_TOKEN_SECONDS = 20;
    static final String CLIENT_ID = "palaver-intranet";

    static MockOAuth2Server provider;
    static ServerProcess server;
    static URI base;

    Browser alice;
    Browser bob;
    Browser carol;

    @BeforeAll
    static void start() throws Exception {
        provider = new MockOAuth2Server(OAuth2Config.Companion.fromJson("{\"interactiveLogin\": true}"));
        provider.start(InetAddress.getLoopbackAddress(), freePort());
        // Browser and server must name the provider alike: it puts the Host it was asked by into the issuer.
        String issuer = "http://localhost:" + provider.baseUrl().port() + "/palaver";
        server = ServerProcess.forTests(Map.of(
                "palaver.secret", "sign-in-test-secret-0123456789abcdef",
                "palaver.oidc.issuer", issuer,
                "palaver.oidc.client-id", CLIENT_ID,
                "palaver.oidc.client-secret", "not-a-real-secret"));
        server.start();
        // Cookies and the secure context need one host name: localhost, as for the provider.
        base = URI.create(server.base().toString().replace("127.0.0.1", "localhost"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (provider != null) {
            provider.shutdown();
        }
    }

    @AfterEach
    void closeBrowsers() {
        for (Browser b : new Browser[] {alice, bob, carol}) {
            if (b != null) {
                b.screenshot("sign-in-" + b.label);
                b.close();
            }
        }
    }

    @Test
    void membersSignInWithTheProviderAndGuestsWaitForAHost() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        assertTrue(get(http, "api/me").contains("\"signIn\":true"), "the pages learn that sign-in is on");
        HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(base.resolve("api/rooms"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, anonymous.statusCode());
        assertTrue(anonymous.body().contains("\"error\":\"sign-in-required\""), anonymous.body());
        HttpResponse<String> forged = http.send(HttpRequest.newBuilder(base.resolve("api/rooms"))
                .header("Cookie", "palaver-member=bTEKZXZlCk1hbGxvcnkKOTk5OTk5OTk5OQ.AAAA")
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, forged.statusCode());
        assertTrue(forged.body().contains("\"error\":\"sign-in-invalid\""), forged.body());

        // Carol signs in first, with an ID token that runs out during the meeting.
        carol = new Browser("carol");
        provider.enqueueCallback(new DefaultOAuth2TokenCallback("palaver", "carol", "JWT", List.of(CLIENT_ID), Map.of(),
                SHORT_TOKEN_SECONDS));
        carol.open(base.toString());
        signIn(carol, "carol", "{\"name\": \"Carol Chen\"}");
        carol.waiting(UI).until(d -> "Carol Chen".equals(carol.byTestId("signed-in-as").getText()));
        long carolSignedIn = System.nanoTime();

        // Alice: the create page asks her to sign in first, then makes a members-only room.
        alice = new Browser("alice");
        alice.open(base.toString());
        alice.waiting(UI).until(d -> alice.byTestId("sign-in").isDisplayed());
        assertFalse(alice.byTestId("create-room").isDisplayed(), "no room without signing in");
        signIn(alice, "alice", "{\"name\": \"Alice Adams\", \"preferred_username\": \"alice\"}");
        alice.waiting(UI).until(d -> "Alice Adams".equals(alice.byTestId("signed-in-as").getText()));
        alice.byTestId("members-only").click();
        alice.byTestId("create-room").click();
        alice.waiting(UI).until(d -> alice.byTestId("open-room").isDisplayed());
        String roomUrl = alice.byTestId("room-link").getText();
        assertTrue(get(http, "api/rooms/" + roomUrl.substring(roomUrl.lastIndexOf('/') + 1)).contains("\"membersOnly\":true"));
        alice.byTestId("open-room").click();
        WebElement aliceName = alice.byTestId("display-name");
        alice.waiting(UI).until(d -> aliceName.isDisplayed() && "Alice Adams".equals(aliceName.getDomProperty("value")));
        assertEquals("true", aliceName.getDomProperty("readOnly"), "a member's name is the provider's, not to be changed");
        awaitPreview(alice);
        alice.byTestId("join").click();
        alice.waiting(UI).until(d -> "connected".equals(alice.connectionStatus()));
        alice.waiting(UI).until(d -> "true".equals(alice.byTestId("self-tile").getAttribute("data-verified"))
                && "true".equals(alice.byTestId("self-tile").getAttribute("data-host")));

        // Bob has no company account: he types Alice's name, and waits in the lobby.
        bob = new Browser("bob");
        bob.open(roomUrl.replace("127.0.0.1", "localhost"));
        bob.waiting(UI).until(d -> bob.byTestId("sign-in-offer").isDisplayed());
        assertTrue(bob.byTestId("sign-in-offer").getText().contains("for signed-in members"), bob.byTestId("sign-in-offer").getText());
        awaitPreview(bob);
        bob.byTestId("display-name").sendKeys("Alice Adams");
        bob.byTestId("join").click();
        bob.waiting(UI).until(d -> bob.byTestId("lobby-waiting").isDisplayed());
        alice.waiting(UI).until(d -> !alice.driver.findElements(By.cssSelector("[data-testid=lobby-request]")).isEmpty());
        WebElement request = alice.byTestId("lobby-request");
        assertEquals("Alice Adams", request.getAttribute("data-name"));
        assertEquals("false", request.getAttribute("data-verified"), "the host sees that the guest is not the member");
        request.findElement(By.cssSelector("[data-testid=admit]")).click();

        bob.waiting(UI).until(d -> "connected".equals(bob.connectionStatus()) && bob.tiles().size() == 1);
        alice.assertDecodingFrom(1, UI);
        bob.assertDecodingFrom(1, UI);
        String aliceId = bob.tileIdNamed("Alice Adams");
        assertEquals("true", bob.tile(aliceId).getAttribute("data-verified"), "Bob sees that Alice is who she says");
        String bobId = alice.tileIdNamed("Alice Adams (2)");
        assertEquals("false", alice.tile(bobId).getAttribute("data-verified"), "a guest's typed name is never verified");

        // Alice leaves: the room has no host. Bob, a guest, cannot claim it, even by hand.
        alice.byTestId("leave").click();
        bob.waiting(UI).until(d -> bob.tiles().isEmpty());
        assertFalse(bob.byTestId("claim-host").isDisplayed());
        bob.script("window.__probe.send({type: 'claim-host'})");
        bob.waiting(UI).until(d -> bob.byTestId("error-message").getText().contains("signed in"));
        assertEquals("false", bob.byTestId("self-tile").getAttribute("data-host"));
        alice.close();
        alice = null;

        // Carol's sign-in has run out: the room page says so, and signing in again comes back here.
        long left = SHORT_TOKEN_SECONDS * 1000 - Duration.ofNanos(System.nanoTime() - carolSignedIn).toMillis();
        if (left > 0) {
            Thread.sleep(left + 1000);
        }
        carol.open(roomUrl.replace("127.0.0.1", "localhost"));
        carol.waiting(UI).until(d -> carol.byTestId("sign-in-offer").isDisplayed()
                && carol.byTestId("sign-in-offer").getText().contains("expired"));
        assertEquals("false", carol.byTestId("display-name").getDomProperty("readOnly"));
        carol.byTestId("sign-in-offer").findElement(By.cssSelector("[data-testid=sign-in]")).click();
        signInAtProvider(carol, "carol", "{\"name\": \"Carol Chen\"}");
        carol.waiting(UI).until(d -> carol.driver.getCurrentUrl().startsWith(roomUrl.replace("127.0.0.1", "localhost"))
                && carol.byTestId("display-name").isDisplayed()
                && "Carol Chen".equals(carol.byTestId("display-name").getDomProperty("value")));
        awaitPreview(carol);
        carol.byTestId("join").click();
        carol.waiting(UI).until(d -> "connected".equals(carol.connectionStatus()) && carol.tiles().size() == 1);

        // A member claims the hostless room; everyone sees the new host and the verified mark.
        carol.waiting(UI).until(d -> carol.byTestId("claim-host").isDisplayed());
        carol.byTestId("claim-host").click();
        carol.waiting(UI).until(d -> "true".equals(carol.byTestId("self-tile").getAttribute("data-host")));
        String carolId = bob.tileIdNamed("Carol Chen");
        bob.awaitTileAttribute(carolId, "data-host", "true", UI);
        assertEquals("true", bob.tile(carolId).getAttribute("data-verified"));
        carol.waiting(UI).until(d -> !carol.byTestId("claim-host").isDisplayed());
        carol.assertDecodingFrom(1, UI);

        // The provider goes down: signing in says so, instead of failing blank.
        provider.shutdown();
        provider = null;
        bob.open(base.toString());
        signInButton(bob).click();
        bob.waiting(UI).until(d -> bob.byTestId("error-message").getText().contains("cannot be reached"));
        assertTrue(bob.byTestId("sign-in").isDisplayed());
    }

    /** From a page with a {@code sign-in} button: through the provider's login page and back. */
    private static void signIn(Browser b, String user, String claims) {
        signInButton(b).click();
        signInAtProvider(b, user, claims);
    }

    private static WebElement signInButton(Browser b) {
        b.waiting(UI).until(d -> b.byTestId("sign-in").isDisplayed());
        return b.byTestId("sign-in");
    }

    /** The provider's own login page: a user name and the claims its ID token will carry. */
    private static void signInAtProvider(Browser b, String user, String claims) {
        b.waiting(UI).until(d -> !d.findElements(By.name("username")).isEmpty());
        b.driver.findElement(By.name("username")).sendKeys(user);
        b.driver.findElement(By.name("claims")).sendKeys(claims);
        b.driver.findElement(By.cssSelector("input[type=submit]")).click();
    }

    private static void awaitPreview(Browser b) {
        b.waiting(UI).until(d -> ((Number) b.script(
                "return document.querySelector('[data-testid=\"preview\"]').videoWidth")).intValue() > 0);
    }

    private static String get(HttpClient http, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(base.resolve(path)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static int freePort() throws Exception {
        return Ports.free();
    }
}
