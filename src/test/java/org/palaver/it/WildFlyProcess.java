package org.palaver.it;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The built WAR on a WildFly of the test's own: the installation the build unpacked and configured
 * ({@code wildfly.home}), started from a private copy of its {@code standalone} folder so it never
 * touches the one Arquillian manages, with the WAR dropped into its deployments folder as an
 * admin would. Restartable on the same ports with the same deployment.
 */
public final class WildFlyProcess implements ServerProcess {

    private final Path home = Path.of(System.getProperty("wildfly.home", "target/wildfly"));
    private final Path base;
    private final Path properties;
    private final int httpPort;
    private final int managementPort;
    private final File log;
    private Process process;

    public WildFlyProcess(Map<String, String> systemProperties) throws IOException {
        httpPort = freePort();
        managementPort = freePort();
        base = Files.createTempDirectory("palaver-wildfly");
        copyTree(home.resolve("standalone/configuration"), base.resolve("configuration"));
        // The shared installation may hold a deployment Arquillian made through the management API
        // (its content lives in a data folder not copied here): ours comes from the deployments folder.
        Path config = base.resolve("configuration/standalone-microprofile.xml");
        Files.writeString(config, Files.readString(config).replaceAll("(?s)<deployments>.*?</deployments>", ""));
        Files.createDirectories(base.resolve("deployments"));
        Files.copy(Path.of(System.getProperty("palaver.war", "target/palaver.war")),
                base.resolve("deployments/palaver.war"), StandardCopyOption.REPLACE_EXISTING);
        properties = base.resolve("palaver.properties");
        Files.writeString(properties, systemProperties.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("\n", "", "\n")));
        log = new File(System.getProperty("java.io.tmpdir"), "palaver-wildfly-" + httpPort + ".log");
    }

    @Override
    public URI base() {
        return URI.create("http://127.0.0.1:" + httpPort + "/");
    }

    @Override
    public Duration start() throws Exception {
        long began = System.nanoTime();
        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/standalone.sh").toString(),
                "-c", "standalone-microprofile.xml",
                "-Djboss.server.base.dir=" + base,
                "-Djboss.http.port=" + httpPort,
                "-Djboss.https.port=" + freePort(),
                "-Djboss.management.http.port=" + managementPort,
                "-Djboss.management.https.port=" + freePort(),
                "-Djboss.ajp.port=" + freePort(),
                "-Djboss.tx.node.id=palaver-test-" + httpPort,
                "-P=" + properties);
        builder.environment().put("JBOSS_HOME", home.toString());
        builder.redirectErrorStream(true);
        builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log));
        process = builder.start();
        return ServerProcess.awaitFirst200(base(), process, log, "WildFly", began);
    }

    /** standalone.sh runs the JVM as its child: kill that first, or it outlives the script. */
    @Override
    public void kill() throws InterruptedException {
        if (process != null) {
            List<ProcessHandle> tree = Stream.concat(process.descendants(), Stream.of(process.toHandle())).toList();
            tree.forEach(ProcessHandle::destroyForcibly);
            for (ProcessHandle handle : tree) {
                handle.onExit().completeOnTimeout(handle, 30, TimeUnit.SECONDS).join();
            }
        }
    }

    @Override
    public void close() throws Exception {
        kill();
        try (Stream<Path> files = Files.walk(base)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static int freePort() throws IOException {
        return Ports.free();
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            files.forEach(source -> {
                try {
                    Files.copy(source, to.resolve(from.relativize(source).toString()), StandardCopyOption.REPLACE_EXISTING);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
