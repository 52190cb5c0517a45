package org.palaver.media.kms;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Just enough of RFC 6455 (server side, text messages only, no extensions) to serve one
 * WebSocket path on loopback without a server library in the test class path.
 *
 * <p>One daemon reader thread per connection; {@link Peer#send} is synchronized per
 * connection, so callers may write from any thread.
 */
final class MiniWebSocketServer {

    interface Handler {
        void onText(Peer peer, String message);

        void onClose(Peer peer);
    }

    private static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    // Far above anything kurento-client sends; stops a broken peer from exhausting the heap
    private static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

    private final String path;
    private final Handler handler;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final Set<Peer> peers = ConcurrentHashMap.newKeySet();
    private volatile boolean halfOpen;
    private volatile ServerSocket listener;
    private int port;

    MiniWebSocketServer(String path, Handler handler) {
        this.path = path;
        this.handler = handler;
    }

    /** Binds 127.0.0.1 on the given port (0: any free one) and starts accepting. */
    synchronized void listen(int wantedPort) throws IOException {
        if (listener != null) {
            return;
        }
        ServerSocket server = new ServerSocket();
        // Rebinding the same port right after stop() must not fail on TIME_WAIT leftovers
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), wantedPort), 50);
        port = server.getLocalPort();
        listener = server;
        Thread acceptor = new Thread(() -> acceptLoop(server), "kms-stand-in-accept-" + port);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Stops accepting (the port is freed) and drops every socket, half-open ones included. */
    synchronized void stopListening() {
        ServerSocket server = listener;
        listener = null;
        if (server != null) {
            closeQuietly(server);
        }
        dropAll();
    }

    /** Drops every socket without a close frame, as a crashing server would. */
    void dropAll() {
        for (Socket socket : List.copyOf(sockets)) {
            closeQuietly(socket);
        }
    }

    synchronized int port() {
        return port;
    }

    void halfOpen(boolean on) {
        halfOpen = on;
    }

    int openConnections() {
        return peers.size();
    }

    private void acceptLoop(ServerSocket server) {
        while (!server.isClosed()) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                return; // closed by stopListening()
            }
            sockets.add(socket);
            if (halfOpen) {
                // Keep it (so the client sees an established TCP connection) but never read or answer
                continue;
            }
            Thread reader = new Thread(() -> serve(socket), "kms-stand-in-conn-" + socket.getPort());
            reader.setDaemon(true);
            reader.start();
        }
    }

    private void serve(Socket socket) {
        Peer peer = null;
        try (socket) {
            socket.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            if (!handshake(in, out)) {
                return;
            }
            peer = new Peer(socket, out);
            peers.add(peer);
            readMessages(peer, in);
        } catch (IOException e) {
            // The client went away or the socket was dropped on purpose: both end the connection
        } finally {
            sockets.remove(socket);
            if (peer != null) {
                peers.remove(peer);
                peer.closed = true;
                handler.onClose(peer);
            }
        }
    }

    private boolean handshake(InputStream in, OutputStream out) throws IOException {
        String head = readHttpHead(in);
        String[] lines = head.split("\r\n");
        String[] requestLine = lines[0].split(" ");
        Map<String, String> headers = new HashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).trim());
            }
        }
        String key = headers.get("sec-websocket-key");
        boolean upgrade = headers.getOrDefault("upgrade", "").equalsIgnoreCase("websocket");
        if (requestLine.length < 3 || !requestLine[0].equals("GET") || !upgrade || key == null) {
            writeHttpError(out, "400 Bad Request");
            return false;
        }
        String target = requestLine[1];
        int query = target.indexOf('?');
        if (!(query < 0 ? target : target.substring(0, query)).equals(path)) {
            writeHttpError(out, "404 Not Found");
            return false;
        }
        String response = "HTTP/1.1 101 Switching Protocols\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: " + acceptValue(key) + "\r\n\r\n";
        out.write(response.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return true;
    }

    private static String readHttpHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed during the handshake");
            }
            head.write(b);
            if (head.size() > 16 * 1024) {
                throw new IOException("handshake too long");
            }
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    private static void writeHttpError(OutputStream out, String status) throws IOException {
        out.write(("HTTP/1.1 " + status + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    static String acceptValue(String key) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            byte[] digest = sha1.digest((key + ACCEPT_GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JRE has SHA-1", e);
        }
    }

    private void readMessages(Peer peer, InputStream in) throws IOException {
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        boolean inText = false;
        while (true) {
            int b0 = readByte(in);
            int b1 = readByte(in);
            boolean fin = (b0 & 0x80) != 0;
            int opcode = b0 & 0x0F;
            boolean masked = (b1 & 0x80) != 0;
            long length = b1 & 0x7F;
            if (length == 126) {
                length = ((long) readByte(in) << 8) | readByte(in);
            } else if (length == 127) {
                length = 0;
                for (int i = 0; i < 8; i++) {
                    length = (length << 8) | readByte(in);
                }
            }
            if ((b0 & 0x70) != 0 || !masked) {
                peer.closeWith(1002); // no extension was agreed; clients must mask
                return;
            }
            if (length > MAX_MESSAGE_BYTES || message.size() + length > MAX_MESSAGE_BYTES) {
                peer.closeWith(1009);
                return;
            }
            byte[] mask = in.readNBytes(4);
            byte[] payload = in.readNBytes((int) length);
            if (mask.length < 4 || payload.length < length) {
                throw new EOFException("connection closed inside a frame");
            }
            for (int i = 0; i < payload.length; i++) {
                payload[i] ^= mask[i & 3];
            }
            switch (opcode) {
                case 0x1, 0x2 -> {
                    message.reset();
                    message.writeBytes(payload);
                    inText = opcode == 0x1;
                    if (fin) {
                        deliver(peer, message, inText);
                    }
                }
                case 0x0 -> {
                    message.writeBytes(payload);
                    if (fin) {
                        deliver(peer, message, inText);
                    }
                }
                case 0x8 -> {
                    // Echo the status code, then close: the closing handshake of RFC 6455 5.5.1
                    peer.writeFrame(0x8, payload.length >= 2 ? new byte[] {payload[0], payload[1]} : new byte[0]);
                    return;
                }
                case 0x9 -> peer.writeFrame(0xA, payload);
                case 0xA -> {
                    // unsolicited pong: nothing to do
                }
                default -> {
                    peer.closeWith(1002);
                    return;
                }
            }
        }
    }

    private void deliver(Peer peer, ByteArrayOutputStream message, boolean text) {
        if (text) {
            handler.onText(peer, message.toString(StandardCharsets.UTF_8));
        }
        // binary messages have no meaning in this protocol: ignored
        message.reset();
    }

    private static int readByte(InputStream in) throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException();
        }
        return b;
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // already closed
        }
    }

    /** One upgraded connection. */
    static final class Peer {
        private final Socket socket;
        private final OutputStream out;
        private volatile boolean closed;

        private Peer(Socket socket, OutputStream out) {
            this.socket = socket;
            this.out = out;
        }

        boolean isOpen() {
            return !closed && !socket.isClosed();
        }

        /** Sends one unmasked, unfragmented text frame; false if the connection is gone. */
        boolean send(String text) {
            try {
                writeFrame(0x1, text.getBytes(StandardCharsets.UTF_8));
                return true;
            } catch (IOException e) {
                closeQuietly(socket);
                return false;
            }
        }

        private synchronized void writeFrame(int opcode, byte[] payload) throws IOException {
            if (socket.isClosed()) {
                throw new SocketException("closed");
            }
            int length = payload.length;
            byte[] header;
            if (length < 126) {
                header = new byte[] {(byte) (0x80 | opcode), (byte) length};
            } else if (length < 65536) {
                header = new byte[] {(byte) (0x80 | opcode), 126, (byte) (length >>> 8), (byte) length};
            } else {
                header = new byte[10];
                header[0] = (byte) (0x80 | opcode);
                header[1] = 127;
                for (int i = 0; i < 8; i++) {
                    header[9 - i] = (byte) ((long) length >>> (8 * i));
                }
            }
            out.write(header);
            out.write(payload);
            out.flush();
        }

        private void closeWith(int status) {
            try {
                writeFrame(0x8, new byte[] {(byte) (status >>> 8), (byte) status});
            } catch (IOException e) {
                // closing anyway
            }
            closeQuietly(socket);
        }

        @Override
        public String toString() {
            return "ws:" + socket.getPort();
        }
    }
}
