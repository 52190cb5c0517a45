package org.palaver.platform;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Every JSON error of the API: {@code {"error": "<code>", "message": "<human text>"}}. */
public record ErrorBody(String error, String message) {

    public static Response response(Response.Status status, String error, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(new ErrorBody(error, message)).build();
    }
}
