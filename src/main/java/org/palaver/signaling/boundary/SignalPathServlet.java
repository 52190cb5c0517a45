package org.palaver.signaling.boundary;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Plain HTTP requests to the signaling path; WebSocket upgrades never get here, the container's
 * WebSocket filter takes them first. Mapping the path also keeps the container from looking every
 * room's path up as a static file: Payara's resource cache would keep an entry per room id.
 */
@WebServlet(urlPatterns = "/signal/*")
public class SignalPathServlet extends HttpServlet {

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        // Not 426 Upgrade Required: its Upgrade header makes Grizzly hold the connection open.
        response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
        response.setContentType("application/json");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.getWriter().write("{\"error\":\"websocket-required\",\"message\":\"This address takes WebSocket connections only.\"}");
    }
}
