package org.palaver.it;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Debian's nginx in front of the nodes of a test, run from the very configuration the README
 * gives admins ({@code docs/cluster/nginx.conf}), with the example node addresses replaced by the
 * test's and its own prefix, logs and pid file in a temporary folder. The access log records, per
 * request, when it began, the path and which node served it.
 */
final class Nginx implements AutoCloseable {

    static final String BINARY = "/usr/sbin/nginx";
    private static final Path CONFIG = Path.of("docs/cluster/nginx.conf");
    private static final Pattern EXAMPLE_NODE = Pattern.compile("(?m)^\\s*server palaver-\\d+:8080[^;]*;\\s*\\n");
    /** The HTTPS lines, for the certificate the compose file mounts; the tests speak plain HTTP on loopback. */
    private static final Pattern HTTPS = Pattern.compile("(?m)^\\s*(listen 443 ssl|ssl_certificate|ssl_certificate_key)\\b[^;]*;\\n");
    private static final Pattern UPSTREAM = Pattern.compile("(?m)^upstream \\w+ \\{\\n");

    private final Path dir;
    private final int port;
    private final Process process;

    private Nginx(Path dir, int port, Process process) {
        this.dir = dir;
        this.port = port;
        this.process = process;
    }

    /** Starts nginx on a free loopback port in front of {@code nodes} and waits until it accepts connections. */
    static Nginx start(List<URI> nodes) throws Exception {
        if (!new File(BINARY).canExecute()) {
            throw new IllegalStateException("no " + BINARY + ": the load-balancer tests need Debian's nginx"
                    + " (apt-get install nginx; .ci/run installs it)");
        }
        Path dir = Files.createTempDirectory("palaver-nginx-");
        int port = Ports.free();
        String servers = nodes.stream().map(node -> "    server " + node.getHost() + ":" + node.getPort()
                + " max_fails=1 fail_timeout=10s;\n").collect(Collectors.joining());
        String site = Files.readString(CONFIG);
        if (!EXAMPLE_NODE.matcher(site).find() || !site.contains("listen 80;") || HTTPS.matcher(site).results().count() != 3) {
            throw new IllegalStateException(CONFIG + " no longer has the example nodes, 'listen 80;' or the three HTTPS lines this test replaces");
        }
        site = EXAMPLE_NODE.matcher(site).replaceAll("");
        site = HTTPS.matcher(site).replaceAll("");
        site = UPSTREAM.matcher(site).replaceAll(upstream -> Matcher.quoteReplacement(upstream.group() + servers))
                .replace("listen 80;", "listen 127.0.0.1:" + port + ";");
        Files.writeString(dir.resolve("palaver.conf"), site);
        for (String temp : List.of("client_body", "proxy", "fastcgi", "uwsgi", "scgi")) {
            Files.createDirectories(dir.resolve(temp));
        }
        Files.writeString(dir.resolve("nginx.conf"), """
                daemon off;
                worker_processes 1;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log info;
                events { worker_connections 1024; }
                http {
                    log_format palaver '$msec|$request_time|$status|$upstream_addr|$request_method|$uri';
                    access_log %1$s/access.log palaver;
                    client_body_temp_path %1$s/client_body;
                    proxy_temp_path %1$s/proxy;
                    fastcgi_temp_path %1$s/fastcgi;
                    uwsgi_temp_path %1$s/uwsgi;
                    scgi_temp_path %1$s/scgi;
                    include %1$s/palaver.conf;
                }
                """.formatted(dir));
        ProcessBuilder builder = new ProcessBuilder(BINARY, "-p", dir.toString(), "-c", dir.resolve("nginx.conf").toString());
        if ("root".equals(System.getProperty("user.name"))) {
            // as root, nginx's worker would run as nobody, who may not write into this folder
            builder.command().addAll(List.of("-g", "user root;"));
        }
        Process process = builder.redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
        Nginx nginx = new Nginx(dir, port, process);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("nginx exited: " + nginx.logs());
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return nginx;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    nginx.close();
                    throw new IllegalStateException("nginx did not listen on port " + port + " within 20 s: " + nginx.logs());
                }
                Thread.sleep(100);
            }
        }
    }

    URI base() {
        return URI.create("http://127.0.0.1:" + port + "/");
    }

    /** One served request: when it began (epoch ms), its status, the node that served it ("host:port"), method and path. */
    record Served(long beganMillis, int status, String node, String method, String path) {
    }

    /** Every request logged so far (a WebSocket is logged when it closes), in the order they began. */
    List<Served> served() throws IOException {
        Path log = dir.resolve("access.log");
        if (!Files.exists(log)) {
            return List.of();
        }
        return Files.readAllLines(log, StandardCharsets.UTF_8).stream().map(line -> line.split("\\|"))
                .filter(f -> f.length == 6)
                .map(f -> new Served(Math.round((Double.parseDouble(f[0]) - Double.parseDouble(f[1])) * 1000),
                        Integer.parseInt(f[2]), lastNode(f[3]), f[4], f[5]))
                .sorted(java.util.Comparator.comparingLong(Served::beganMillis))
                .toList();
    }

    /** {@code $upstream_addr} lists every node tried ("a, b" after a failure); the last one served. */
    private static String lastNode(String field) {
        String[] tried = field.split(",");
        return tried[tried.length - 1].strip();
    }

    private String logs() {
        try {
            return Files.readString(dir.resolve("stdout.log")) + (Files.exists(dir.resolve("error.log"))
                    ? Files.readString(dir.resolve("error.log")) : "");
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
