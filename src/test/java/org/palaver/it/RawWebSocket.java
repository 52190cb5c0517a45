package org.palaver.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * A signaling WebSocket written by hand, for what a WebSocket client library will not do: open it
 * from a chosen loopback address, or send a handshake with headers of the test's choosing.
 */
final class RawWebSocket implements AutoCloseable {

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    /** The handshake answer's status line, e.g. {@code HTTP/1.1 101 Switching Protocols}. */
    final String statusLine;

    private RawWebSocket(Socket socket, String statusLine) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.statusLine = statusLine;
    }

    /** Opens {@code /signal/<room>} from {@code fromAddress}, sending the handshake key {@code keyHeaders} times. */
    static RawWebSocket open(URI base, String room, String fromAddress, int keyHeaders) throws IOException {
        Socket socket = new Socket("127.0.0.1", base.getPort(), InetAddress.getByName(fromAddress), 0);
        socket.setSoTimeout(10_000);
        byte[] key = new byte[16];
        new SecureRandom().nextBytes(key);
        String keyHeader = "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\n";
        String request = "GET /signal/" + room + " HTTP/1.1\r\nHost: 127.0.0.1:" + base.getPort()
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                + keyHeader.repeat(keyHeaders) + "\r\n";
        socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.append((char) b);
        }
        return new RawWebSocket(socket, head.toString().lines().findFirst().orElse(""));
    }

    boolean upgraded() {
        return statusLine.startsWith("HTTP/1.1 101");
    }

    void sendText(String text) throws IOException {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        byte[] mask = {7, 1, 3, 5};
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(0x81);
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else {
            frame.write(0x80 | 126);
            frame.write(payload.length >> 8);
            frame.write(payload.length & 0xff);
        }
        frame.write(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i % 4]);
        }
        out.write(frame.toByteArray());
        out.flush();
    }

    /** The next text message; ping frames are skipped (answered by nobody: tests here are short). */
    String nextText() throws IOException {
        while (true) {
            int first = read();
            int second = read();
            long length = second & 0x7f;
            if (length == 126) {
                length = (read() << 8) | read();
            } else if (length == 127) {
                length = 0;
                for (int i = 0; i < 8; i++) {
                    length = (length << 8) | read();
                }
            }
            byte[] payload = in.readNBytes((int) length);
            int opcode = first & 0x0f;
            if (opcode == 0x1) {
                return new String(payload, StandardCharsets.UTF_8);
            }
            if (opcode == 0x8) {
                throw new IOException("closed by the server: " + (payload.length >= 2 ? ((payload[0] & 0xff) << 8 | payload[1] & 0xff) : -1));
            }
        }
    }

    private int read() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new IOException("connection closed");
        }
        return b;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
