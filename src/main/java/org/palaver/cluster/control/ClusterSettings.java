package org.palaver.cluster.control;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The cluster keys of the product contract, checked once at start: a mistyped member or port stops
 * the deployment with a message naming the key, instead of a node that quietly stays alone.
 *
 * @param members {@code host:port} of every node's cluster port; empty means a single node (no grid at all)
 */
public record ClusterSettings(List<String> members, int port, String name, Optional<String> secret, Optional<URI> nodeUrl) {

    public static final String MEMBERS = "palaver.cluster.members";
    public static final String PORT = "palaver.cluster.port";
    public static final String NAME = "palaver.cluster.name";
    public static final String SECRET = "palaver.cluster.secret";
    public static final String NODE_URL = "palaver.node.url";

    /** Raw values as MicroProfile Config hands them over; absent keys take the contract's defaults. */
    public static ClusterSettings parse(Optional<String> members, Optional<String> port, Optional<String> name,
            Optional<String> secret, Optional<String> nodeUrl) {
        return new ClusterSettings(
                members.map(ClusterSettings::members).orElse(List.of()),
                nonBlank(port).map(ClusterSettings::port).orElse(5701),
                nonBlank(name).map(ClusterSettings::name).orElse("palaver"),
                nonBlank(secret),
                nonBlank(nodeUrl).map(ClusterSettings::nodeUrl));
    }

    public boolean clustered() {
        return !members.isEmpty();
    }

    /**
     * The cluster name Hazelcast sees. Open-source Hazelcast authenticates nothing at join but the
     * cluster name, so the secret goes into it: a node without the same secret (or of another
     * cluster) asks to join under another name and is refused by Hazelcast itself. The secret
     * enters through an HMAC, so the name on the wire does not reveal it; the name still travels in
     * clear text, which is why the cluster port belongs on a private network.
     */
    public String effectiveName() {
        return secret.map(key -> name + "-" + hmac(key, name)).orElse(name);
    }

    private static String hmac(String key, String name) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] digest = mac.doFinal(("palaver cluster name:" + name).getBytes(StandardCharsets.UTF_8));
            // 128 bits are plenty to tell secrets apart and keep the name short in Hazelcast's logs
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    private static Optional<String> nonBlank(Optional<String> value) {
        return value.map(String::strip).filter(s -> !s.isEmpty());
    }

    static List<String> members(String value) {
        return Stream.of(value.split(",")).map(String::strip).filter(s -> !s.isEmpty()).map(ClusterSettings::member).toList();
    }

    private static String member(String entry) {
        try {
            URI uri = new URI("tcp://" + entry);
            if (uri.getHost() == null || uri.getPort() < 1 || uri.getPort() > 65535 || uri.getRawUserInfo() != null
                    || !uri.getRawPath().isEmpty() || uri.getRawQuery() != null || uri.getRawFragment() != null) {
                throw new URISyntaxException(entry, "not host:port");
            }
            return uri.getHost() + ":" + uri.getPort();
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(MEMBERS + " must list host:port of each node's cluster port, comma-separated "
                    + "(like 10.0.0.1:5701,10.0.0.2:5701, IPv6 as [fd00::1]:5701), not '" + entry + "'");
        }
    }

    private static int port(String value) {
        try {
            int port = Integer.parseInt(value);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException notANumber) {
            // the message below says what is wanted
        }
        throw new IllegalArgumentException(PORT + " must be a TCP port from 1 to 65535, not '" + value + "'");
    }

    private static String name(String value) {
        if (!value.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException(NAME + " must be 1 to 64 letters, digits, '.', '_' or '-', not '" + value + "'");
        }
        return value;
    }

    private static URI nodeUrl(String value) {
        try {
            URI uri = new URI(value);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null || uri.getRawQuery() != null
                    || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
                throw new URISyntaxException(value, "not an http(s) URL");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(NODE_URL + " must be this node's absolute http(s) URL, like "
                    + "http://10.0.0.1:8080/, not '" + value + "'");
        }
    }
}
