package org.palaver.signaling.boundary;

import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.palaver.signaling.control.ClientAddresses;

/** Notes each signaling handshake's client address for the endpoint (see {@link ClientAddresses}). */
@WebFilter(urlPatterns = "/signal/*", asyncSupported = true)
public class ClientAddressFilter extends HttpFilter {

    @Inject
    ClientAddresses addresses;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String upgrade = request.getHeader("Upgrade");
        if (upgrade != null && upgrade.equalsIgnoreCase("websocket")) { // other requests never open a socket
            addresses.expect(request.getHeader(ClientAddresses.KEY_HEADER), request.getRemoteAddr());
        }
        chain.doFilter(request, response);
    }
}
