package org.palaver.ice.boundary;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.palaver.ice.control.IceServers;

/**
 * {@code GET /api/ice-servers}. A TURN URL without {@code palaver.turn.secret} is left out: it
 * would be useless to a browser without credentials.
 */
@Path("ice-servers")
@Produces(MediaType.APPLICATION_JSON)
public class IceServersResource {

    @Inject
    @ConfigProperty(name = "palaver.ice.servers")
    Optional<String> iceServers;

    @Inject
    @ConfigProperty(name = "palaver.turn.secret")
    Optional<String> turnSecret;

    @Inject
    @ConfigProperty(name = "palaver.turn.ttl", defaultValue = "PT1H")
    Duration turnTtl;

    @GET
    public Response list() {
        CacheControl noStore = new CacheControl();
        noStore.setNoStore(true);
        return Response.ok(IceServers.forBrowser(iceServers, turnSecret, turnTtl, Instant.now()))
                .cacheControl(noStore)
                .build();
    }
}
