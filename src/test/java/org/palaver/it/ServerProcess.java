package org.palaver.it;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * The built WAR on a server process of a test's own, for what Arquillian cannot do: restarting
 * the server mid-test. Which server is chosen by the system property {@code palaver.it.server}
 * ({@code payara}, the default, or {@code wildfly}), so one test class runs on both.
 */
public interface ServerProcess extends AutoCloseable {

    /** Where the server answers, e.g. {@code http://127.0.0.1:8080/}. */
    URI base();

    /** Starts and waits for the first 200 on {@code /}; returns how long that took. */
    Duration start() throws Exception;

    /** Kills the server at once, like a crash or a pulled plug. */
    void kill() throws InterruptedException;

    /** Waits for the first 200 on {@code base} from a booting {@code process}; returns the time since {@code began}. */
    static Duration awaitFirst200(URI base, Process process, java.io.File log, String server, long began) throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(server + " exited; see " + log);
            }
            try {
                if (http.send(java.net.http.HttpRequest.newBuilder(base).build(),
                        java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return Duration.ofNanos(System.nanoTime() - began);
                }
            } catch (IOException notYet) {
                // still booting
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(server + " did not answer within 120 s; see " + log);
    }

    /** Waits until {@code /health/ready} answers 200 (with a media server configured: until it is reached). */
    static void awaitReady(URI base, Duration within) throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        long deadline = System.nanoTime() + within.toNanos();
        while (http.send(java.net.http.HttpRequest.newBuilder(base.resolve("health/ready")).build(),
                java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode() != 200) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(base + " was not ready within " + within.toSeconds() + " s");
            }
            Thread.sleep(200);
        }
    }

    static ServerProcess forTests(Map<String, String> systemProperties) throws IOException {
        String server = System.getProperty("palaver.it.server", "payara");
        return switch (server) {
            case "payara" -> new PayaraMicroProcess(systemProperties);
            case "wildfly" -> new WildFlyProcess(systemProperties);
            default -> throw new IllegalArgumentException("palaver.it.server must be payara or wildfly, not " + server);
        };
    }
}
