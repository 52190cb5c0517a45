package org.palaver.ice.control;

import java.io.ByteArrayOutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Just enough TURN (RFC 5766) over UDP to make and hold one allocation with long-term
 * credentials, as a browser does; one client is one 5-tuple, so one allocation. For tests of what
 * coturn allows with the credentials Palaver issues (quotas), which coturn's own client cannot
 * show allocation by allocation.
 */
final class TurnClient implements AutoCloseable {

    static final int OK = 200;
    private static final int ALLOCATE = 0x0003;
    private static final int MAGIC = 0x2112A442;
    private static final int USERNAME = 0x0006;
    private static final int MESSAGE_INTEGRITY = 0x0008;
    private static final int ERROR_CODE = 0x0009;
    private static final int REALM = 0x0014;
    private static final int NONCE = 0x0015;
    private static final int REQUESTED_TRANSPORT = 0x0019;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final DatagramSocket socket;
    private final InetSocketAddress server;

    TurnClient(int port) throws Exception {
        socket = new DatagramSocket();
        socket.setSoTimeout(2000);
        server = new InetSocketAddress("127.0.0.1", port);
    }

    /** {@link #OK}, or the TURN error code (401 bad credentials, 486 allocation quota reached). */
    int allocate(String username, String password) throws Exception {
        byte[] udp = {17, 0, 0, 0};
        Map<Integer, byte[]> challenge = exchange(message(Map.of(REQUESTED_TRANSPORT, udp), null));
        if (!challenge.containsKey(ERROR_CODE)) {
            return OK;
        }
        byte[] realm = challenge.get(REALM);
        byte[] nonce = challenge.get(NONCE);
        byte[] key = MessageDigest.getInstance("MD5").digest(
                (username + ":" + new String(realm, StandardCharsets.UTF_8) + ":" + password).getBytes(StandardCharsets.UTF_8));
        Map<Integer, byte[]> attributes = new java.util.LinkedHashMap<>();
        attributes.put(REQUESTED_TRANSPORT, udp);
        attributes.put(USERNAME, username.getBytes(StandardCharsets.UTF_8));
        attributes.put(REALM, realm);
        attributes.put(NONCE, nonce);
        Map<Integer, byte[]> answer = exchange(message(attributes, key));
        byte[] error = answer.get(ERROR_CODE);
        return error == null ? OK : (error[2] & 0x07) * 100 + (error[3] & 0xFF);
    }

    private static byte[] message(Map<Integer, byte[]> attributes, byte[] integrityKey) throws Exception {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (Map.Entry<Integer, byte[]> a : attributes.entrySet()) {
            body.write(attribute(a.getKey(), a.getValue()));
        }
        byte[] transaction = new byte[12];
        RANDOM.nextBytes(transaction);
        int length = body.size() + (integrityKey == null ? 0 : 24);
        ByteBuffer message = ByteBuffer.allocate(20 + length);
        message.putShort((short) ALLOCATE).putShort((short) length).putInt(MAGIC).put(transaction).put(body.toByteArray());
        if (integrityKey != null) {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(integrityKey, "HmacSHA1"));
            mac.update(message.array(), 0, message.position()); // header length already counts the integrity attribute
            message.put(attribute(MESSAGE_INTEGRITY, mac.doFinal()));
        }
        return message.array();
    }

    private static byte[] attribute(int type, byte[] value) {
        int padded = (value.length + 3) / 4 * 4;
        return ByteBuffer.allocate(4 + padded).putShort((short) type).putShort((short) value.length).put(value).array();
    }

    private Map<Integer, byte[]> exchange(byte[] request) throws Exception {
        for (int attempt = 0; ; attempt++) {
            socket.send(new DatagramPacket(request, request.length, server));
            byte[] buffer = new byte[2048];
            DatagramPacket reply = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(reply);
            } catch (SocketTimeoutException e) {
                if (attempt < 4) {
                    continue; // UDP: ask again, as a TURN client would
                }
                throw e;
            }
            return attributes(ByteBuffer.wrap(buffer, 0, reply.getLength()));
        }
    }

    private static Map<Integer, byte[]> attributes(ByteBuffer message) {
        Map<Integer, byte[]> attributes = new HashMap<>();
        message.position(20);
        while (message.remaining() >= 4) {
            int type = message.getShort() & 0xFFFF;
            int length = message.getShort() & 0xFFFF;
            byte[] value = new byte[length];
            message.get(value);
            message.position(message.position() + (4 - length % 4) % 4);
            attributes.put(type, value);
        }
        return attributes;
    }

    @Override
    public void close() {
        socket.close(); // the allocation lives on in coturn until its lifetime ends; the test's coturn ends first
    }
}
