package org.palaver.signin.boundary;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.palaver.signin.control.MemberPasses;
import org.palaver.signin.entity.Member;
import org.palaver.signin.entity.PassCheck;

/**
 * Sign-in with the company's identity provider (OpenID Connect), on when {@code palaver.oidc.issuer}
 * is set. Named {@code palaverOidc}: the mechanism's definition ({@link OidcMechanism}) reads the
 * provider settings from here through {@code ${palaverOidc.…}} expressions. Issues and checks the
 * member passes the rest of the product trusts once the provider has signed someone in.
 */
@Named("palaverOidc")
@ApplicationScoped
public class SignIn {

    /** The cookie holding a browser's member pass (HttpOnly; the pages get it from {@code GET /api/me}). */
    public static final String COOKIE = "palaver-member";

    @Inject
    @ConfigProperty(name = "palaver.oidc.issuer")
    Optional<String> issuer;

    @Inject
    @ConfigProperty(name = "palaver.oidc.client-id")
    Optional<String> clientId;

    @Inject
    @ConfigProperty(name = "palaver.oidc.client-secret")
    Optional<String> clientSecret;

    @Inject
    @ConfigProperty(name = "palaver.secret")
    Optional<String> secret;

    Clock clock = Clock.systemUTC();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private MemberPasses passes = MemberPasses.random();

    @PostConstruct
    void start() {
        secret.filter(s -> !s.isBlank()).ifPresent(s -> passes = MemberPasses.of(s));
    }

    public boolean enabled() {
        return issuer.filter(s -> !s.isBlank()).isPresent();
    }

    public String getIssuer() {
        return issuer.orElse("");
    }

    public String getClientId() {
        return clientId.orElse("");
    }

    public String getClientSecret() {
        return clientSecret.orElse("");
    }

    /**
     * Whether the provider's discovery document answers now (3 s at most): asked before each
     * sign-in, which is rare, so that a provider that is down gets a clear message, not an error.
     */
    public boolean providerAnswers() {
        String discovery = getIssuer().replaceAll("/+$", "") + "/.well-known/openid-configuration";
        try {
            HttpResponse<Void> answer = http.send(HttpRequest.newBuilder(URI.create(discovery))
                    .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.discarding());
            return answer.statusCode() == 200;
        } catch (java.io.IOException | IllegalArgumentException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public String issue(Member member) {
        return passes.issue(member);
    }

    /** A pass as the browser sent it; {@link PassCheck#NONE} when sign-in is off, whatever was sent. */
    public PassCheck check(String pass) {
        return enabled() ? passes.check(pass, now()) : PassCheck.NONE;
    }

    public Instant now() {
        return clock.instant();
    }
}
