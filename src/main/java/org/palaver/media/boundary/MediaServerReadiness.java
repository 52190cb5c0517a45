package org.palaver.media.boundary;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness includes the media server when one is configured: without it, new rooms fall back to
 * mesh mode and an admin should know. Without one configured, mesh mode is simply the design.
 */
@Readiness
@ApplicationScoped
public class MediaServerReadiness implements HealthCheck {

    @Inject
    MediaService media;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder check = HealthCheckResponse.named("media-server");
        if (!media.configured()) {
            return check.up().withData("mode", "mesh").build();
        }
        return media.problem()
                .map(problem -> check.down().withData("mode", "kurento").withData("reason", problem))
                .orElseGet(() -> check.up().withData("mode", "kurento"))
                .build();
    }
}
