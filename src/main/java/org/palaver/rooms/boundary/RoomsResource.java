package org.palaver.rooms.boundary;

import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.StringReader;
import java.net.URI;
import java.util.Optional;
import org.palaver.platform.ErrorBody;
import org.palaver.rooms.control.CreationLimiter;
import org.palaver.rooms.entity.RoomException;
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

    /** The body is optional: nothing, or {@code {"passcode": "..."}}. */
    @POST
    @Consumes(MediaType.WILDCARD)
    public Response create(String body) {
        Optional<String> passcode = passcodeOf(body);
        limiter.admit(request.getRemoteAddr());
        RoomSnapshot room = rooms.create(passcode);
        URI location = uri.getBaseUriBuilder().path("rooms").path(room.id()).build();
        // The base URI ends in /api/; the room page lives beside it at /room/{id}.
        URI page = uri.getBaseUri().resolve("../room/" + room.id());
        return Response.created(location).entity(new Created(room.id(), page.toString())).build();
    }

    private static Optional<String> passcodeOf(String body) {
        if (body == null || body.isBlank()) {
            return Optional.empty();
        }
        try (JsonReader reader = Json.createReader(new StringReader(body))) {
            JsonValue passcode = reader.readObject().get("passcode");
            if (passcode == null || passcode.getValueType() == JsonValue.ValueType.NULL) {
                return Optional.empty();
            }
            if (passcode instanceof JsonString text) {
                return Optional.of(text.getString());
            }
        } catch (JsonException | ClassCastException e) {
            // falls through to the error below
        }
        throw new RoomException("invalid-request", "The body must be empty or a JSON object like {\"passcode\": \"...\"}.");
    }

    @GET
    @Path("{id}")
    public Response find(@PathParam("id") String id) {
        return rooms.find(id)
                .map(room -> Response.ok(room).build())
                .orElseGet(() -> ErrorBody.response(Response.Status.NOT_FOUND, "room-not-found", "There is no room with this id."));
    }
}
