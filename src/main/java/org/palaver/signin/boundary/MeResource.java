package org.palaver.signin.boundary;

import jakarta.inject.Inject;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.palaver.signin.entity.PassCheck;

/**
 * {@code GET /api/me}: whether sign-in is on, and who this browser is signed in as. The pages show
 * the sign-in button or the name from it, and send {@code pass} with their join.
 */
@Path("me")
@Produces(MediaType.APPLICATION_JSON)
public class MeResource {

    /**
     * {@code signIn}: sign-in is on; {@code signedIn} with {@code name}, {@code expires} (ISO-8601)
     * and {@code pass} when this browser holds a valid pass; {@code expired} when it holds one that
     * ran out.
     */
    public record Me(boolean signIn, boolean signedIn, boolean expired, String name, String expires, String pass) {
    }

    @Inject
    SignIn signIn;

    @GET
    public Me me(@CookieParam(SignIn.COOKIE) String pass) {
        if (!signIn.enabled()) {
            return new Me(false, false, false, null, null, null);
        }
        PassCheck check = signIn.check(pass);
        return check.member()
                .map(m -> new Me(true, true, false, m.name(), m.expires().toString(), pass))
                .orElseGet(() -> new Me(true, false, "sign-in-expired".equals(check.refusal()), null, null, null));
    }
}
