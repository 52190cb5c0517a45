package org.palaver.ice.boundary;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * {@code GET /api/ice-servers}: the STUN servers, for anyone. TURN servers and their credentials
 * go only to participants of a room, over the signaling socket (see {@link IceServerSource}).
 */
@Path("ice-servers")
@Produces(MediaType.APPLICATION_JSON)
public class IceServersResource {

    @Inject
    IceServerSource servers;

    @GET
    public Response list() {
        CacheControl noStore = new CacheControl();
        noStore.setNoStore(true);
        return Response.ok(servers.anonymous())
                .cacheControl(noStore)
                .build();
    }
}
