package org.palaver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.InputStream;
import java.io.StringReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Map;
import java.util.zip.ZipFile;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The WAR on a server process started the way the README starts it, for what depends on how the
 * server is started: on Payara Micro the HTTPS key step of the run command and {@code
 * palaver.public-url}; on WildFly (which makes its own HTTPS key) only the latter.
 */
class RunCommandIT {

    static final String PUBLIC_URL = "https://meet.corp.example/palaver/";
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path tmp;

    static ServerProcess server;

    @BeforeAll
    static void start() throws Exception {
        Map<String, String> properties = Map.of("palaver.public-url", PUBLIC_URL);
        server = payara() ? PayaraMicroProcess.withHttps(properties, tmp.resolve("tls")) : ServerProcess.forTests(properties);
        server.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    static boolean payara() {
        return "payara".equals(System.getProperty("palaver.it.server", "payara"));
    }

    @Test
    void httpsServesTheInstallationsOwnKeyNotPayarasBuiltInOneAndKeepsItAcrossRestarts() throws Exception {
        assumeTrue(payara(), "WildFly makes a key of its own on first use; Payara Micro's built-in one is the danger");
        PayaraMicroProcess payara = (PayaraMicroProcess) server;
        String builtIn = payaraBuiltInFingerprint();
        assertTrue(builtIn.startsWith("8C:9D:5E") && builtIn.endsWith("2B:CA"), builtIn);

        String served = fingerprint(servedCertificate(payara.httpsPort()));
        assertNotEquals(builtIn, served);
        assertEquals(fingerprint(keptCertificate(tmp.resolve("tls"))), served, "the key made in the installation's directory");

        payara.kill();
        payara.start();
        assertEquals(served, fingerprint(servedCertificate(payara.httpsPort())), "the same key after a restart");
    }

    @Test
    void roomLinksAndLocationUseThePublicUrl() throws Exception {
        HttpResponse<String> created = HTTP.send(HttpRequest.newBuilder(server.base().resolve("api/rooms"))
                .header("Origin", "https://meet.corp.example")
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, created.statusCode(), created.body());
        JsonObject room = Json.createReader(new StringReader(created.body())).readObject();
        String id = room.getString("id");
        assertEquals(PUBLIC_URL + "room/" + id, room.getString("url"));
        assertEquals(PUBLIC_URL + "api/rooms/" + id, created.headers().firstValue("Location").orElseThrow());
    }

    private static X509Certificate servedCertificate(int port) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new TrustEverything()}, null);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.startHandshake();
            return (X509Certificate) socket.getSession().getPeerCertificates()[0];
        }
    }

    /** The s1as certificate inside the very payara-micro.jar the tests run (its key is public). */
    private static String payaraBuiltInFingerprint() throws Exception {
        try (ZipFile jar = new ZipFile(System.getProperty("payara.microJar", "target/payara-micro.jar"));
             InputStream in = jar.getInputStream(jar.getEntry("MICRO-INF/domain/keystore.p12"))) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, "changeit".toCharArray());
            return fingerprint(store.getCertificate("s1as"));
        }
    }

    private static Certificate keptCertificate(Path dir) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(dir.resolve("keystore.p12"))) {
            store.load(in, Files.readString(dir.resolve("keystore.password")).strip().toCharArray());
        }
        return store.getCertificate(store.aliases().nextElement());
    }

    private static String fingerprint(Certificate certificate) throws Exception {
        return HexFormat.ofDelimiter(":").withUpperCase().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
    }

    /** Only to read which certificate is served; nothing is sent over this connection. */
    private static final class TrustEverything implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
