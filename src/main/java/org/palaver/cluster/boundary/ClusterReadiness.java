package org.palaver.cluster.boundary;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;
import org.palaver.cluster.entity.GridStatus;

/**
 * Readiness of the cluster member: a clustered node that has not joined must not get traffic from
 * the load balancer, nor one that drains. A single node is simply ready. The data (this node's id, the members
 * Hazelcast sees, the nodes the grid lists) tells an admin which nodes found each other.
 */
@Readiness
@ApplicationScoped
public class ClusterReadiness implements HealthCheck {

    @Inject
    Grid grid;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder check = HealthCheckResponse.named("cluster");
        if (!grid.clustered()) {
            return check.up().withData("mode", "single-node").build();
        }
        GridStatus status = grid.status();
        if (!status.joined()) {
            return check.down().withData("mode", "cluster").withData("reason", status.problem()).build();
        }
        // a draining node takes no new rooms: a load balancer that checks readiness sends it nothing new
        return check.status(!grid.draining()).withData("mode", "cluster")
                .withData("state", grid.draining() ? "draining" : "serving")
                .withData("node", status.node())
                .withData("members", status.members())
                .withData("nodes", String.join(",", status.nodes()))
                .build();
    }
}
