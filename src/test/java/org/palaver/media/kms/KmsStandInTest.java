package org.palaver.media.kms;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.kurento.client.IceCandidate;
import org.kurento.client.KurentoClient;
import org.kurento.client.KurentoConnectionListener;
import org.kurento.client.MediaPipeline;
import org.kurento.client.WebRtcEndpoint;
import org.kurento.commons.exception.KurentoException;

class KmsStandInTest {

    // What Chromium offers for getUserMedia audio+video on sendonly transceivers
    static final String CHROMIUM_SENDONLY_OFFER = """
            v=0
            o=- 4611731400430051336 2 IN IP4 127.0.0.1
            s=-
            t=0 0
            a=group:BUNDLE 0 1
            a=extmap-allow-mixed
            a=msid-semantic: WMS 3b2b8d8e-5c8f-4a43-9b35-6a3f1f4c7e21
            m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126
            c=IN IP4 0.0.0.0
            a=rtcp:9 IN IP4 0.0.0.0
            a=ice-ufrag:Yx3n
            a=ice-pwd:o1Qh7Wm0vX4kR2cT9sLp8eBf
            a=ice-options:trickle
            a=fingerprint:sha-256 7B:8C:1E:2A:93:4F:D0:61:A5:3B:77:C2:19:E8:04:5D:AA:6F:12:9E:C3:48:B1:70:0D:E6:5A:93:2F:84:C7:1B
            a=setup:actpass
            a=mid:0
            a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level
            a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time
            a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01
            a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid
            a=sendonly
            a=msid:3b2b8d8e-5c8f-4a43-9b35-6a3f1f4c7e21 8c1f6a2e-0d3b-4f5e-9a71-2c6d8e4b1f03
            a=rtcp-mux
            a=rtcp-rsize
            a=rtpmap:111 opus/48000/2
            a=rtcp-fb:111 transport-cc
            a=fmtp:111 minptime=10;useinbandfec=1
            a=rtpmap:63 red/48000/2
            a=fmtp:63 111/111
            a=rtpmap:9 G722/8000
            a=rtpmap:0 PCMU/8000
            a=rtpmap:8 PCMA/8000
            a=rtpmap:13 CN/8000
            a=rtpmap:110 telephone-event/48000
            a=rtpmap:126 telephone-event/8000
            a=ssrc:1983154012 cname:q9XbL2m7RkS0zTfA
            a=ssrc:1983154012 msid:3b2b8d8e-5c8f-4a43-9b35-6a3f1f4c7e21 8c1f6a2e-0d3b-4f5e-9a71-2c6d8e4b1f03
            m=video 9 UDP/TLS/RTP/SAVPF 96 97 102 103 98 99 45 46 116 117 118
            c=IN IP4 0.0.0.0
            a=rtcp:9 IN IP4 0.0.0.0
            a=ice-ufrag:Yx3n
            a=ice-pwd:o1Qh7Wm0vX4kR2cT9sLp8eBf
            a=ice-options:trickle
            a=fingerprint:sha-256 7B:8C:1E:2A:93:4F:D0:61:A5:3B:77:C2:19:E8:04:5D:AA:6F:12:9E:C3:48:B1:70:0D:E6:5A:93:2F:84:C7:1B
            a=setup:actpass
            a=mid:1
            a=extmap:14 urn:ietf:params:rtp-hdrext:toffset
            a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time
            a=extmap:13 urn:3gpp:video-orientation
            a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01
            a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid
            a=extmap:10 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id
            a=extmap:11 urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id
            a=sendonly
            a=msid:3b2b8d8e-5c8f-4a43-9b35-6a3f1f4c7e21 5e0a9c4d-7b2f-4d18-8e63-1a9f0b7c2d54
            a=rtcp-mux
            a=rtcp-rsize
            a=rtpmap:96 VP8/90000
            a=rtcp-fb:96 goog-remb
            a=rtcp-fb:96 transport-cc
            a=rtcp-fb:96 ccm fir
            a=rtcp-fb:96 nack
            a=rtcp-fb:96 nack pli
            a=rtpmap:97 rtx/90000
            a=fmtp:97 apt=96
            a=rtpmap:102 H264/90000
            a=rtcp-fb:102 goog-remb
            a=rtcp-fb:102 transport-cc
            a=rtcp-fb:102 ccm fir
            a=rtcp-fb:102 nack
            a=rtcp-fb:102 nack pli
            a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f
            a=rtpmap:103 rtx/90000
            a=fmtp:103 apt=102
            a=rtpmap:98 VP9/90000
            a=rtcp-fb:98 goog-remb
            a=rtcp-fb:98 transport-cc
            a=rtcp-fb:98 ccm fir
            a=rtcp-fb:98 nack
            a=rtcp-fb:98 nack pli
            a=fmtp:98 profile-id=0
            a=rtpmap:99 rtx/90000
            a=fmtp:99 apt=98
            a=rtpmap:45 AV1/90000
            a=rtcp-fb:45 goog-remb
            a=rtcp-fb:45 transport-cc
            a=rtcp-fb:45 ccm fir
            a=rtcp-fb:45 nack
            a=rtcp-fb:45 nack pli
            a=fmtp:45 level-idx=5;profile=0;tier=0
            a=rtpmap:46 rtx/90000
            a=fmtp:46 apt=45
            a=rtpmap:116 red/90000
            a=rtpmap:117 rtx/90000
            a=fmtp:117 apt=116
            a=rtpmap:118 ulpfec/90000
            a=ssrc-group:FID 2390412795 3601822164
            a=ssrc:2390412795 cname:q9XbL2m7RkS0zTfA
            a=ssrc:2390412795 msid:3b2b8d8e-5c8f-4a43-9b35-6a3f1f4c7e21 5e0a9c4d-7b2f-4d18-8e63-1a9f0b7c2d54
            a=ssrc:3601822164 cname:q9XbL2m7RkS0zTfA
            a=ssrc:3601822164 msid:3b2b8d8e-5c8f-4a43-9b35-6a3f1f4c7e21 5e0a9c4d-7b2f-4d18-8e63-1a9f0b7c2d54
            """.replace("\n", "\r\n");

    KmsStandIn kms;
    final List<KurentoClient> clients = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        kms = KmsStandIn.start();
    }

    @AfterEach
    void stop() {
        clients.forEach(KurentoClient::destroy);
        kms.close();
    }

    @Test
    void pipelineEndpointsOffersCandidatesConnectsAndReleasesLikeKms() throws Exception {
        KurentoClient client = client();
        MediaPipeline pipeline = client.createMediaPipeline();
        WebRtcEndpoint a = new WebRtcEndpoint.Builder(pipeline).build();
        WebRtcEndpoint b = new WebRtcEndpoint.Builder(pipeline).build();
        WebRtcEndpoint c = new WebRtcEndpoint.Builder(pipeline).build();
        assertEquals(pipeline.getId(), kms.pipelineOf(a.getId()));
        assertEquals(1, kms.liveCount("MediaPipeline"));
        assertEquals(3, kms.liveCount("WebRtcEndpoint"));

        List<IceCandidate> found = new CopyOnWriteArrayList<>();
        CountDownLatch twoFound = new CountDownLatch(2);
        a.addIceCandidateFoundListener(event -> {
            found.add(event.getCandidate());
            twoFound.countDown();
        });
        assertEquals(List.of("IceCandidateFound"), kms.subscriptionsOn(a.getId()));

        String answer = a.processOffer(CHROMIUM_SENDONLY_OFFER);
        assertTrue(answer.contains("\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126\r\n"), answer);
        assertTrue(answer.contains("\r\nm=video 9 "), answer);
        assertTrue(answer.contains("\r\na=group:BUNDLE 0 1\r\n"), answer);
        assertTrue(answer.contains("\r\na=mid:0\r\n") && answer.contains("\r\na=mid:1\r\n"), answer);
        assertEquals(2, answer.split("\r\na=recvonly\r\n", -1).length - 1, answer);
        assertFalse(answer.contains("a=sendonly") || answer.contains("a=msid:"), "receiving only: nothing to send");
        assertEquals(CHROMIUM_SENDONLY_OFFER, kms.offerOf(a.getId()));
        assertEquals(answer, kms.answerOf(a.getId()));

        a.gatherCandidates();
        assertTrue(twoFound.await(5, SECONDS), "IceCandidateFound events: " + found);
        Thread.sleep(100); // no third one
        assertEquals(2, found.size());
        assertNotEquals(found.get(0).getCandidate(), found.get(1).getCandidate());
        for (IceCandidate candidate : found) {
            assertTrue(candidate.getCandidate().matches("candidate:\\d+ 1 UDP \\d+ 127\\.0\\.0\\.1 \\d+ typ host"), candidate.getCandidate());
            assertEquals("0", candidate.getSdpMid());
            assertEquals(0, candidate.getSdpMLineIndex());
        }

        String remote = "candidate:842163049 1 udp 1677729535 192.0.2.7 61205 typ srflx raddr 0.0.0.0 rport 0";
        a.addIceCandidate(new IceCandidate(remote, "0", 0));
        assertEquals(List.of(remote), kms.candidatesAddedTo(a.getId()));

        a.connect(b);
        assertEquals(List.of(new KmsStandIn.Connection(a.getId(), b.getId())), kms.connects());

        c.release();
        assertEquals(2, kms.liveCount("WebRtcEndpoint"));
        pipeline.release();
        assertEquals(0, kms.liveCount("MediaPipeline"));
        assertEquals(0, kms.liveCount("WebRtcEndpoint"));
        assertEquals(pipeline.getId(), kms.pipelineOf(a.getId()), "still known after release");

        KurentoException gone = assertThrows(KurentoException.class, a::gatherCandidates);
        assertTrue(gone.getMessage().contains("not found"), gone.getMessage());
        KmsStandIn.Call last = kms.calls().get(kms.calls().size() - 1);
        assertEquals(new KmsStandIn.Call("invoke", null, a.getId(), "gatherCandidates", client.getSessionId()), last);
    }

    @Test
    void restartDropsEverythingAndTheClientReconnectsToANewSession() throws Exception {
        List<String> heard = new CopyOnWriteArrayList<>();
        KurentoClient client = client(heard);
        MediaPipeline before = client.createMediaPipeline();
        String oldSession = client.getSessionId();

        long restarted = System.nanoTime();
        kms.restart();
        await(() -> heard.contains("reconnected(false)"), Duration.ofSeconds(10));
        long tookMillis = (System.nanoTime() - restarted) / 1_000_000;
        // The client reports its reconnecting as disconnected()
        assertEquals(List.of("connected", "disconnected", "reconnected(false)"), heard);
        assertTrue(tookMillis < 2000, "reconnected after " + tookMillis + " ms");

        assertEquals(0, kms.liveCount("MediaPipeline"));
        assertNotEquals(oldSession, client.getSessionId());
        assertThrows(KurentoException.class, before::release, "the old pipeline died with the server");
        client.createMediaPipeline();
        assertEquals(1, kms.liveCount("MediaPipeline"));
        assertEquals(1, kms.openSockets());
    }

    @Test
    void halfOpenAcceptsTcpButNeverCompletesTheHandshake() throws Exception {
        kms.halfOpen(true);
        CompletableFuture<WebSocket> handshake = HttpClient.newHttpClient().newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .buildAsync(kms.url(), new WebSocket.Listener() { });
        assertThrows(TimeoutException.class, () -> handshake.get(1, SECONDS));
        try (Socket tcp = new Socket()) {
            tcp.connect(new InetSocketAddress("127.0.0.1", kms.port()), 1000);
            assertTrue(tcp.isConnected());
        }
        assertEquals(0, kms.openSockets());

        kms.halfOpen(false);
        WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .buildAsync(kms.url(), new WebSocket.Listener() { })
                .get(5, SECONDS);
        await(() -> kms.openSockets() == 1, Duration.ofSeconds(5));
        ws.abort();
    }

    @Test
    void stopFreesThePortAndResumeListensAgain() throws Exception {
        List<String> heard = new CopyOnWriteArrayList<>();
        KurentoClient client = client(heard);
        client.createMediaPipeline();

        long stopped = System.nanoTime();
        kms.stop();
        // Nothing answers a WebSocket handshake while stopped. (Not a bare TCP connect: one was
        // seen to succeed now and then right after the port was freed, most likely a retrying
        // client on loopback taking the freed port as its source port and connecting to itself.)
        java.util.concurrent.CompletableFuture<java.net.http.WebSocket> handshake = java.net.http.HttpClient.newHttpClient()
                .newWebSocketBuilder().connectTimeout(Duration.ofSeconds(1))
                .buildAsync(kms.url(), new java.net.http.WebSocket.Listener() { });
        assertThrows(Exception.class, () -> handshake.get(2, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(0, kms.openSockets());
        assertEquals(0, kms.liveCount("MediaPipeline"));
        Thread.sleep(1500);
        assertEquals(List.of("connected", "disconnected"), heard, "while the server is down the client only retries");

        kms.resume();
        await(() -> heard.contains("reconnected(false)"), Duration.ofSeconds(10));
        long tookMillis = (System.nanoTime() - stopped) / 1_000_000;
        assertEquals(List.of("connected", "disconnected", "reconnected(false)"), heard, "after " + tookMillis + " ms");
        client.createMediaPipeline();
        assertEquals(1, kms.liveCount("MediaPipeline"));
    }

    @Test
    void destroyClosesTheSession() throws Exception {
        List<String> heard = new CopyOnWriteArrayList<>();
        KurentoClient client = KurentoClient.create(kms.url().toString(), listener(heard));
        settle();
        String session = client.getSessionId();

        long start = System.nanoTime();
        client.destroy();
        // destroy() waits for the closeSession answer: an unanswered one would take the 10 s request timeout
        assertTrue(System.nanoTime() - start < 2_000_000_000L, "destroy() took too long");
        assertTrue(client.isClosed());
        await(() -> kms.openSockets() == 0, Duration.ofSeconds(5));
        KmsStandIn.Call last = kms.calls().get(kms.calls().size() - 1);
        assertEquals(new KmsStandIn.Call("closeSession", null, null, null, session), last);
        await(() -> heard.contains("disconnected"), Duration.ofSeconds(5));
        assertEquals("connected", heard.get(0));
        assertTrue(heard.stream().skip(1).allMatch("disconnected"::equals), "only disconnected (more than once): " + heard);
    }

    @Test
    void webSocketLayerTakesFragmentsInterleavedPingsLongFramesAndClose() throws Exception {
        assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", MiniWebSocketServer.acceptValue("dGhlIHNhbXBsZSBub25jZQ=="), "RFC 6455 1.3");
        try (Socket wrong = new Socket("127.0.0.1", kms.port())) {
            assertTrue(handshake(wrong, "/elsewhere").startsWith("HTTP/1.1 404 "));
        }
        try (Socket raw = new Socket("127.0.0.1", kms.port())) {
            raw.setSoTimeout(5000);
            String head = handshake(raw, "/kurento");
            assertTrue(head.startsWith("HTTP/1.1 101 "), head);
            assertTrue(head.contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"), head);
            OutputStream out = raw.getOutputStream();
            InputStream in = raw.getInputStream();

            // One request in three fragments, a ping between them
            writeFrame(out, false, 0x1, "{\"id\":7,\"method\":".getBytes(UTF_8));
            writeFrame(out, true, 0x9, "hi".getBytes(UTF_8));
            writeFrame(out, false, 0x0, "\"ping\",\"jsonrpc\"".getBytes(UTF_8));
            writeFrame(out, true, 0x0, ":\"2.0\"}".getBytes(UTF_8));
            Frame pong = readFrame(in);
            assertEquals(0xA, pong.opcode());
            assertEquals("hi", pong.text());
            Frame answer = readFrame(in);
            assertEquals(0x1, answer.opcode());
            assertTrue(answer.text().matches("\\{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":\\{\"value\":\"pong\",\"sessionId\":\"[-0-9a-f]{36}\"}}"), answer.text());

            // 70 000 bytes: a 64-bit length
            String padded = "{\"id\":8,\"method\":\"ping\",\"jsonrpc\":\"2.0\"" + " ".repeat(70_000) + "}";
            writeFrame(out, true, 0x1, padded.getBytes(UTF_8));
            assertTrue(readFrame(in).text().contains("\"id\":8,"));
            assertEquals(1, kms.openSockets());

            writeFrame(out, true, 0x8, new byte[] {0x03, (byte) 0xE8});
            Frame close = readFrame(in);
            assertEquals(0x8, close.opcode());
            assertEquals(1000, ((close.payload()[0] & 0xFF) << 8) | (close.payload()[1] & 0xFF));
            assertEquals(-1, in.read(), "closed after the closing handshake");
        }
        await(() -> kms.openSockets() == 0, Duration.ofSeconds(5));
    }

    @Test
    void answerSendsWhereTheOfferOnlyReceives() {
        String recvonly = CHROMIUM_SENDONLY_OFFER.replace("a=sendonly", "a=recvonly");
        String answer = KmsStandIn.answer(recvonly);
        assertEquals(2, answer.split("\r\na=sendonly\r\n", -1).length - 1, answer);
        assertEquals(2, answer.split("\r\na=msid:", -1).length - 1, answer);
        assertTrue(answer.contains(" msid:"), "an a=ssrc line names the stream: " + answer);
        assertTrue(answer.endsWith("\r\n") && !answer.replace("\r\n", "").contains("\n"), "CRLF only");
    }

    private KurentoClient client() throws InterruptedException {
        KurentoClient client = KurentoClient.create(kms.url().toString());
        clients.add(client);
        settle();
        return client;
    }

    private KurentoClient client(List<String> heard) throws InterruptedException {
        KurentoClient client = KurentoClient.create(kms.url().toString(), listener(heard));
        clients.add(client);
        settle();
        return client;
    }

    /**
     * The client's first heartbeat ping goes out from its own thread, racing the first request;
     * a restart or destroy() while it is unanswered makes the client tear down once more.
     */
    private void settle() throws InterruptedException {
        await(() -> kms.calls().stream().anyMatch(c -> c.method().equals("ping")), Duration.ofSeconds(5));
        kms.awaitIdle(Duration.ofSeconds(2));
    }

    private record Frame(int opcode, byte[] payload) {
        String text() {
            return new String(payload, UTF_8);
        }
    }

    private static String handshake(Socket socket, String path) throws IOException {
        socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        StringBuilder head = new StringBuilder();
        InputStream in = socket.getInputStream();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.append((char) b);
        }
        return head.toString();
    }

    /** A client frame: always masked, as RFC 6455 demands. */
    private static void writeFrame(OutputStream out, boolean fin, int opcode, byte[] payload) throws IOException {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write((fin ? 0x80 : 0) | opcode);
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else if (payload.length < 65536) {
            frame.write(0x80 | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length);
        } else {
            frame.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame.write((int) ((long) payload.length >>> shift));
            }
        }
        byte[] mask = {0x37, (byte) 0xFA, 0x21, 0x3D};
        frame.write(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i & 3]);
        }
        out.write(frame.toByteArray());
        out.flush();
    }

    private static Frame readFrame(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        int b0 = data.readUnsignedByte();
        int b1 = data.readUnsignedByte();
        assertEquals(0, b1 & 0x80, "server frames are never masked");
        long length = b1 & 0x7F;
        if (length == 126) {
            length = data.readUnsignedShort();
        } else if (length == 127) {
            length = data.readLong();
        }
        byte[] payload = new byte[(int) length];
        data.readFully(payload);
        return new Frame(b0 & 0x0F, payload);
    }

    private static KurentoConnectionListener listener(List<String> heard) {
        return new KurentoConnectionListener() {
            @Override
            public void connected() {
                heard.add("connected");
            }

            @Override
            public void connectionFailed() {
                heard.add("connectionFailed");
            }

            @Override
            public void disconnected() {
                heard.add("disconnected");
            }

            @Override
            public void reconnected(boolean sameServer) {
                heard.add("reconnected(" + sameServer + ")");
            }
        };
    }

    private static void await(BooleanSupplier condition, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "not within " + max);
            Thread.sleep(20);
        }
    }
}
