package org.palaver.ice.control;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The RTCIceServer list for browsers. TURN URLs get short-lived credentials in the coturn REST API
 * scheme ({@code use-auth-secret}): username {@code <expiry-epoch-seconds>:<user>}, credential
 * base64(HMAC-SHA1(secret, username)), so no long-lived TURN password ever reaches a browser.
 * coturn counts its {@code user-quota} per {@code <user>}: a participant's id there makes the
 * quota hold per participant however often its credentials are renewed.
 */
public final class IceServers {

    private static final SecureRandom RANDOM = new SecureRandom();

    public record IceServer(List<String> urls, String username, String credential) {
    }

    private IceServers() {
    }

    public static List<IceServer> forBrowser(Optional<String> configuredUrls, Optional<String> turnSecret,
                                             Duration lifetime, Instant now) {
        return forBrowser(configuredUrls, turnSecret, lifetime, now, randomTag());
    }

    /** {@code user}: who the TURN credentials are for (no {@code :} in it). */
    public static List<IceServer> forBrowser(Optional<String> configuredUrls, Optional<String> turnSecret,
                                             Duration lifetime, Instant now, String user) {
        List<String> urls = configuredUrls.stream()
                .flatMap(value -> Arrays.stream(value.split(",")))
                .map(String::strip)
                .filter(url -> !url.isEmpty())
                .toList();
        List<String> stun = urls.stream().filter(url -> !isTurn(url)).toList();
        List<String> turn = urls.stream().filter(IceServers::isTurn).toList();
        List<IceServer> servers = new ArrayList<>();
        if (!stun.isEmpty()) {
            servers.add(new IceServer(stun, null, null));
        }
        if (!turn.isEmpty() && turnSecret.isPresent()) {
            String username = now.plus(lifetime).getEpochSecond() + ":" + user;
            servers.add(new IceServer(turn, username, credential(turnSecret.get(), username)));
        }
        return servers;
    }

    public static String credential(String secret, String username) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA1 is part of every Java runtime", e);
        }
    }

    private static boolean isTurn(String url) {
        return url.startsWith("turn:") || url.startsWith("turns:");
    }

    private static String randomTag() {
        byte[] bytes = new byte[9];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
