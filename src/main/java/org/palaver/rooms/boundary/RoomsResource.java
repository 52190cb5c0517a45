package org.palaver.rooms.boundary;

import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.net.URI;
import org.palaver.platform.ErrorBody;
import org.palaver.rooms.control.CreationLimiter;
import org.palaver.rooms.entity.RoomSnapshot;

@Path("rooms")
@Produces(MediaType.APPLICATION_JSON)
public class RoomsResource {

    @Inject
    RoomService rooms;

    @Inject
    CreationLimiter limiter;

    @Context
    UriInfo uri;

    @Context
    HttpServletRequest request;

    public record Created(String id, String url) {
    }

    @POST
    public Response create() {
        limiter.admit(request.getRemoteAddr());
        RoomSnapshot room = rooms.create();
        URI location = uri.getBaseUriBuilder().path("rooms").path(room.id()).build();
        // The base URI ends in /api/; the room page lives beside it at /room/{id}.
        URI page = uri.getBaseUri().resolve("../room/" + room.id());
        return Response.created(location).entity(new Created(room.id(), page.toString())).build();
    }

    @GET
    @Path("{id}")
    public Response find(@PathParam("id") String id) {
        return rooms.find(id)
                .map(room -> Response.ok(room).build())
                .orElseGet(() -> ErrorBody.response(Response.Status.NOT_FOUND, "room-not-found", "There is no room with this id."));
    }
}
