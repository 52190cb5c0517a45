package org.palaver.media.boundary;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Locale;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness includes the media servers when they are configured: without any, new rooms fall back
 * to mesh mode and an admin should know. UP while at least one answers; each server's line says
 * whether it is up, with its rooms of this node and its load, or why not. Without one configured,
 * mesh mode is simply the design.
 */
@Readiness
@ApplicationScoped
public class MediaServerReadiness implements HealthCheck {

    @Inject
    MediaService media;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder named = HealthCheckResponse.named("media-server");
        if (!media.configured()) {
            return named.up().withData("mode", "mesh").build();
        }
        HealthCheckResponseBuilder check = media.problem()
                .map(problem -> named.down().withData("mode", "kurento").withData("reason", problem))
                .orElseGet(() -> named.up().withData("mode", "kurento"));
        for (MediaService.ServerStatus server : media.servers()) {
            check.withData(server.url(), server.live()
                    ? String.format(Locale.ROOT, "up: %d room(s) of this node, %d pipeline(s) with %d element(s), CPU %.0f%%",
                            server.rooms(), server.load().pipelines(), server.load().elements(), server.load().cpuPercent())
                    : "down: " + server.problem().orElse("no session"));
        }
        return check.build();
    }
}
