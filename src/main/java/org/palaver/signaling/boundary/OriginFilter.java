package org.palaver.signaling.boundary;

import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.palaver.platform.OnceLog;
import org.palaver.signaling.control.OriginPolicy;

/** Refuses the signaling handshake (403) from pages of other origins; see {@link OriginPolicy}. */
@WebFilter(urlPatterns = "/signal/*", asyncSupported = true)
public class OriginFilter extends HttpFilter {

    private final OnceLog refusals = new OnceLog(Logger.getLogger(OriginFilter.class.getName()));

    @Inject
    @ConfigProperty(name = "palaver.allowed-origins")
    Optional<String> allowedOrigins;

    private OriginPolicy policy;

    @Override
    public void init(FilterConfig config) throws ServletException {
        super.init(config);
        policy = new OriginPolicy(allowedOrigins);
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String origin = request.getHeader("Origin");
        if (policy.allows(origin, request.getHeader("Host"))) {
            chain.doFilter(request, response);
            return;
        }
        refusals.warn(origin, "refused a signaling connection from origin " + origin + " (palaver.allowed-origins)");
        response.setStatus(HttpServletResponse.SC_FORBIDDEN);
        response.setContentType("application/json");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.getWriter().write("{\"error\":\"origin-not-allowed\",\"message\":\"This page may not open a signaling connection.\"}");
    }
}
