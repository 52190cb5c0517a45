package org.palaver.admin.boundary;

import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.palaver.admin.control.AdminToken;
import org.palaver.cluster.boundary.Grid;
import org.palaver.platform.Refused;
import org.palaver.rooms.boundary.RoomService;
import org.palaver.signaling.control.Conversations;

/**
 * Draining a cluster node for a rolling upgrade: {@code POST} starts it (the node takes no new
 * rooms, hands its rooms over to the other nodes and closes its sockets so their pages reconnect
 * elsewhere), {@code GET} says how far it is, {@code DELETE} calls it off. Only with
 * {@code Authorization: Bearer <palaver.admin.token>}; without that setting there is no admin API.
 */
@Path("admin/drain")
@Produces(MediaType.APPLICATION_JSON)
public class DrainResource {

    @Inject
    @ConfigProperty(name = "palaver.admin.token")
    Optional<String> token;

    @Inject
    Grid grid;

    @Inject
    RoomService rooms;

    @Inject
    Conversations conversations;

    /** {@code empty}: draining, and no room and no socket left here: the node can be stopped. */
    public record Status(String state, int rooms, int connections, boolean empty) {
    }

    @GET
    public Status status(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        admit(authorization);
        return status();
    }

    @POST
    public Status drain(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        admit(authorization);
        if (!grid.clustered()) {
            throw new Refused(409, "not-clustered", "A single node has nowhere to hand its rooms over to.");
        }
        rooms.drain();
        conversations.closeRelayed();
        return status();
    }

    @DELETE
    public Status serve(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        admit(authorization);
        rooms.serve();
        return status();
    }

    private Status status() {
        boolean draining = rooms.draining();
        int held = rooms.roomCount();
        int open = conversations.openCount();
        return new Status(draining ? "draining" : "serving", held, open, draining && held == 0 && open == 0);
    }

    private void admit(String authorization) {
        AdminToken admin = new AdminToken(token);
        if (!admin.configured()) {
            throw new Refused(404, "not-found", "There is no admin API here: palaver.admin.token is not set.");
        }
        if (!admin.admits(authorization)) {
            throw new Refused(401, "unauthorized", "This needs Authorization: Bearer <palaver.admin.token>.");
        }
    }
}
