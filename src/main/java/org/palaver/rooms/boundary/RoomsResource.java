package org.palaver.rooms.boundary;

import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.InputStream;
import java.net.URI;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.palaver.platform.ErrorBody;
import org.palaver.platform.PublicUrl;
import org.palaver.platform.Refused;
import org.palaver.platform.RequestOrigin;
import org.palaver.rooms.control.CreationLimiter;
import org.palaver.rooms.entity.CreatedRoom;
import org.palaver.rooms.entity.RoomException;
import org.palaver.signin.boundary.SignIn;
import org.palaver.signin.entity.PassCheck;

@Path("rooms")
@Produces(MediaType.APPLICATION_JSON)
public class RoomsResource {

    @Inject
    RoomService rooms;

    @Inject
    CreationLimiter limiter;

    @Inject
    PublicUrl publicUrl;

    @Inject
    @ConfigProperty(name = "palaver.allowed-origins")
    Optional<String> allowedOrigins;

    @Context
    UriInfo uri;

    @Inject
    SignIn signIn;

    @Context
    HttpServletRequest request;

    /** {@code hostUrl}: the room URL with the host secret in its fragment, which never reaches a server or a Referer. */
    public record Created(String id, String url, String hostUrl) {
    }

    /** The body is optional: nothing, or {@code {"passcode": "..."}} as application/json (see {@link CreationBody}). */
    @POST
    @Consumes(MediaType.WILDCARD)
    public Response create(InputStream body, @CookieParam(SignIn.COOKIE) String memberPass) {
        // Cheapest first: a forged cross-site request must not spend its victim's creation budget,
        // and every other request is charged before its body is even read.
        if (!new RequestOrigin(allowedOrigins, publicUrl.configured())
                .allows(request.getHeader("Origin"), request.getHeader("Sec-Fetch-Site"), request.getHeader("Host"))) {
            throw new Refused(403, "origin-not-allowed", "Rooms can only be created from this site's own pages.");
        }
        requireSignInWhereOn(memberPass);
        limiter.admit(request.getRemoteAddr());
        CreationBody creation = CreationBody.read(request.getContentType(), request.getContentLengthLong(), body);
        if (creation.membersOnly() && !signIn.enabled()) {
            throw new RoomException("sign-in-off", "Members-only rooms need sign-in, which is not configured on this server.");
        }
        CreatedRoom room = rooms.create(creation.passcode(), creation.membersOnly());
        // The base URI ends in /api/; the site, with the room page at room/{id}, is its parent.
        URI site = uri.getBaseUri().resolve("..");
        String url = publicUrl.resolve(site, "room/" + room.id()).toString();
        return Response.created(publicUrl.resolve(site, "api/rooms/" + room.id()))
                .entity(new Created(room.id(), url, room.hostSecret() == null ? null : url + "#host=" + room.hostSecret()))
                .build();
    }

    /** With sign-in on, only a signed-in member creates rooms (401 {@code sign-in-required} or {@code sign-in-expired}). */
    private void requireSignInWhereOn(String memberPass) {
        if (!signIn.enabled()) {
            return;
        }
        PassCheck check = signIn.check(memberPass);
        if (check.refused()) {
            throw new Refused(401, check.refusal(), check.message());
        }
        if (check.member().isEmpty()) {
            throw new Refused(401, "sign-in-required", "Sign in with your company account to create rooms.");
        }
    }

    @GET
    @Path("{id}")
    public Response find(@PathParam("id") String id) {
        return rooms.find(id)
                .map(room -> Response.ok(room).build())
                .or(() -> rooms.findElsewhere(id).map(owners -> Response.ok(owners, MediaType.APPLICATION_JSON).build()))
                .orElseGet(() -> ErrorBody.response(Response.Status.NOT_FOUND, "room-not-found", "There is no room with this id."));
    }
}
