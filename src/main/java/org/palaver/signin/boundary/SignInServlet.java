package org.palaver.signin.boundary;

import jakarta.inject.Inject;
import jakarta.security.enterprise.identitystore.openid.OpenIdContext;
import jakarta.enterprise.inject.Instance;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import org.palaver.platform.OnceLog;
import org.palaver.signin.control.ProviderNames;
import org.palaver.signin.entity.Member;

/**
 * The pages' side of sign-in. {@code /oidc/login?return=/room/abc} notes where to go back to and
 * sends the browser to {@code /oidc/start}, which the mechanism protects, so it goes on to the
 * provider. The provider sends it back to {@code /oidc/callback}: the mechanism has checked the
 * code and the ID token by then, and this servlet turns the person into a member pass (a cookie)
 * and sends the browser back. {@code /oidc/logout} forgets the pass.
 */
@WebServlet({"/oidc/login", "/oidc/callback", "/oidc/logout"})
public class SignInServlet extends HttpServlet {

    private static final Logger LOG = Logger.getLogger(SignInServlet.class.getName());
    static final String RETURN_COOKIE = "palaver-return";
    /** Where a browser may be sent back to: this site's own paths, never another site ({@code //host}). */
    private static final Pattern RETURN = Pattern.compile("/([A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*/?)?");
    /** A sign-in lasts as long as the ID token, but never longer than a working day. */
    static final Duration LONGEST = Duration.ofHours(12);

    @Inject
    SignIn signIn;

    private final OnceLog failures = new OnceLog(LOG);

    @Inject
    Instance<OpenIdContext> openId;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws ServletException, IOException {
        String path = request.getServletPath();
        if (!signIn.enabled()) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND, "Sign-in is not configured on this server.");
            return;
        }
        switch (path) {
            case "/oidc/login" -> login(request, response);
            case "/oidc/callback" -> callback(request, response);
            default -> logout(request, response);
        }
    }

    private void login(HttpServletRequest request, HttpServletResponse response) throws IOException {
        forgetProviderSession(request); // an earlier sign-in's tokens must not stand in for a new one
        String back = Optional.ofNullable(request.getParameter("return")).filter(r -> RETURN.matcher(r).matches()).orElse("/");
        if (!signIn.providerAnswers()) {
            // The mechanism would answer an empty 500; the page says what is going on instead.
            failures.warn("unreachable", "the identity provider at " + signIn.getIssuer() + " does not answer;"
                    + " sign-in fails until it does (logged once)");
            response.sendRedirect(request.getContextPath() + back + "?sign-in=unavailable");
            return;
        }
        response.addCookie(cookie(request, RETURN_COOKIE, back, Duration.ofMinutes(10), "/oidc"));
        response.sendRedirect(request.getContextPath() + "/oidc/start");
    }

    private void callback(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String back = cookieValue(request, RETURN_COOKIE).filter(r -> RETURN.matcher(r).matches()).orElse("/");
        response.addCookie(cookie(request, RETURN_COOKIE, "", Duration.ZERO, "/oidc"));
        if (request.getUserPrincipal() == null || openId.isUnsatisfied()) {
            // Once: anyone can open this URL; a provider that turns every sign-in down shows up all the same.
            failures.warn("no-user", "a sign-in came back from the identity provider without a signed-in user"
                    + " (the person cancelled, or the provider refused: see its log); further ones are not logged");
            response.sendRedirect(request.getContextPath() + back + "?sign-in=failed");
            return;
        }
        try {
            OpenIdContext context = openId.get();
            Instant now = signIn.now();
            Instant expires = context.getIdentityToken().getJwtClaims().getExpirationTime()
                    .filter(at -> at.isBefore(now.plus(LONGEST))).orElse(now.plus(LONGEST));
            String subject = context.getSubject();
            Member member = new Member(subject, ProviderNames.choose(context.getClaims().getName(),
                    context.getClaims().getPreferredUsername(), subject), expires);
            // The cookie outlives the pass, so that the pages can say the sign-in expired rather than forget it.
            response.addCookie(cookie(request, SignIn.COOKIE, signIn.issue(member), Duration.between(now, expires).plus(LONGEST), "/"));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not read the signed-in user from the identity provider's answer", e);
            response.sendRedirect(request.getContextPath() + back + "?sign-in=failed");
            return;
        } finally {
            forgetProviderSession(request);
        }
        response.sendRedirect(request.getContextPath() + back);
    }

    private void logout(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.addCookie(cookie(request, SignIn.COOKIE, "", Duration.ZERO, "/"));
        forgetProviderSession(request);
        response.sendRedirect(request.getContextPath() + "/");
    }

    /**
     * The mechanism keeps the provider's tokens in a session-scoped context; once the member pass
     * is issued they are not needed, and a later sign-in must go to the provider again, not reuse
     * them. (request.logout() is not the way: it has the mechanism start a new round trip.)
     */
    private static void forgetProviderSession(HttpServletRequest request) {
        var session = request.getSession(false);
        if (session != null) {
            try {
                session.invalidate();
            } catch (IllegalStateException alreadyGone) {
                LOG.log(Level.FINE, "session already invalidated", alreadyGone);
            }
        }
    }

    static Optional<String> cookieValue(HttpServletRequest request, String name) {
        Cookie[] cookies = request.getCookies();
        return cookies == null ? Optional.empty()
                : Arrays.stream(cookies).filter(c -> name.equals(c.getName())).map(Cookie::getValue).findFirst();
    }

    /** HttpOnly, and Lax: the provider's redirect back is a cross-site navigation that must carry it. */
    private static Cookie cookie(HttpServletRequest request, String name, String value, Duration maxAge, String path) {
        Cookie cookie = new Cookie(name, value);
        cookie.setHttpOnly(true);
        cookie.setPath(request.getContextPath() + path);
        cookie.setMaxAge((int) Math.max(0, maxAge.toSeconds()));
        cookie.setSecure(request.isSecure() || "https".equalsIgnoreCase(request.getHeader("X-Forwarded-Proto")));
        cookie.setAttribute("SameSite", "Lax");
        return cookie;
    }
}
