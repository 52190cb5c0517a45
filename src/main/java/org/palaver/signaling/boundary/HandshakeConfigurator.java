package org.palaver.signaling.boundary;

import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;
import java.util.List;
import java.util.Map;
import org.palaver.signaling.control.ClientAddresses;

/**
 * Copies the handshake's {@code Sec-WebSocket-Key} into the connection's user properties (Jakarta
 * WebSocket 2.1 makes those a per-connection copy seeded here), so that the endpoint can take the
 * address {@link ClientAddressFilter} noted under it.
 */
public class HandshakeConfigurator extends ServerEndpointConfig.Configurator {

    @Override
    public void modifyHandshake(ServerEndpointConfig config, HandshakeRequest request, HandshakeResponse response) {
        for (Map.Entry<String, List<String>> header : request.getHeaders().entrySet()) {
            if (ClientAddresses.KEY_HEADER.equalsIgnoreCase(header.getKey()) && header.getValue().size() == 1) {
                config.getUserProperties().put(ClientAddresses.USER_PROPERTY, header.getValue().get(0));
            }
        }
    }
}
