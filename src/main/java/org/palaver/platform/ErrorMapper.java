package org.palaver.platform;

import jakarta.ws.rs.WebApplicationException;
import org.palaver.rooms.entity.RoomException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Turns every failure into the JSON error shape; stack traces go to the log, never to a client. */
@Provider
public class ErrorMapper implements ExceptionMapper<Throwable> {

    private static final Logger LOG = Logger.getLogger(ErrorMapper.class.getName());

    @Override
    public Response toResponse(Throwable failure) {
        if (failure instanceof RoomException refused) {
            // Requests the rooms refuse are the client's to fix.
            return ErrorBody.response(Response.Status.BAD_REQUEST, refused.code(), refused.getMessage());
        }
        if (failure instanceof Refused refused) {
            return Response.status(refused.status())
                    .type(jakarta.ws.rs.core.MediaType.APPLICATION_JSON_TYPE)
                    .entity(new ErrorBody(refused.code(), refused.getMessage()))
                    .build();
        }
        if (failure instanceof LimitExceeded limit) {
            return Response.status(limit.status())
                    .header("Retry-After", limit.retryAfterSeconds())
                    .type(jakarta.ws.rs.core.MediaType.APPLICATION_JSON_TYPE)
                    .entity(new ErrorBody(limit.code(), limit.getMessage()))
                    .build();
        }
        if (failure instanceof WebApplicationException web) {
            Response.StatusType status = web.getResponse().getStatusInfo();
            String code = status.getReasonPhrase().toLowerCase(Locale.ROOT).replace(' ', '-');
            return Response.status(status.getStatusCode())
                    .type(jakarta.ws.rs.core.MediaType.APPLICATION_JSON_TYPE)
                    .entity(new ErrorBody(code, status.getReasonPhrase() + "."))
                    .build();
        }
        LOG.log(Level.SEVERE, "unexpected failure in the API", failure);
        return ErrorBody.response(Response.Status.INTERNAL_SERVER_ERROR, "internal-error", "The server could not handle this request.");
    }
}
