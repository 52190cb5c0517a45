package org.palaver.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/** A lean WebSocket client for measuring: every whole text frame goes to a callback, nothing is kept. */
final class BenchSocket {

    final WebSocket socket;

    private BenchSocket(WebSocket socket) {
        this.socket = socket;
    }

    static CompletableFuture<BenchSocket> open(HttpClient http, URI uri, Consumer<String> onText) {
        return http.newWebSocketBuilder().buildAsync(uri, new WebSocket.Listener() {
            private final StringBuilder partial = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    String text = partial.toString();
                    partial.setLength(0);
                    onText.accept(text);
                }
                ws.request(1);
                return null;
            }
        }).thenApply(BenchSocket::new);
    }

    void send(String text) {
        socket.sendText(text, true).join();
    }

    void close() {
        socket.abort();
    }
}
