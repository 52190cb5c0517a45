package org.palaver.platform;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Room pages and API answers are kept in no cache: their URLs are the secret room links, and the
 * answers (room ids, links, participants) are only true for the moment.
 */
@WebFilter(urlPatterns = {"/room/*", "/room.html", "/api/*"}, asyncSupported = true)
public class NoStoreFilter extends HttpFilter {

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        response.setHeader("Cache-Control", "no-store");
        chain.doFilter(request, response);
    }
}
