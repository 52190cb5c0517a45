package org.palaver.it;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The built WAR on a Payara Micro process of our own, for what Arquillian cannot do: restarting
 * the server mid-test, or measuring its heap. Started exactly as the README's run command starts it.
 */
public final class PayaraMicroProcess implements ServerProcess {

    private final int port;
    private final Path properties;
    private final File log;
    private Process process;

    private final java.util.List<String> extraDeployments;
    /** With HTTPS: the key's directory, prepared by palaver-tls.jar at every start as the README's run command does. */
    private Path tlsDir;
    private int httpsPort;

    public PayaraMicroProcess(Map<String, String> systemProperties) throws IOException {
        this(systemProperties, java.util.List.of());
    }

    /** Serving HTTPS too, on a port of its own, with the installation key kept in {@code tlsDir}. */
    public static PayaraMicroProcess withHttps(Map<String, String> systemProperties, Path tlsDir) throws IOException {
        PayaraMicroProcess server = new PayaraMicroProcess(systemProperties);
        server.tlsDir = tlsDir;
        server.httpsPort = Ports.free();
        return server;
    }

    public int httpsPort() {
        return httpsPort;
    }

    /** {@code extraDeployments}: more WARs beside Palaver, each at the context root its descriptor names. */
    public PayaraMicroProcess(Map<String, String> systemProperties, java.util.List<String> extraDeployments) throws IOException {
        this.extraDeployments = extraDeployments;
        port = Ports.free();
        properties = Files.createTempFile("palaver-micro", ".properties");
        Files.writeString(properties, systemProperties.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("\n", "", "\n")));
        log = new File(System.getProperty("java.io.tmpdir"), "palaver-micro-" + port + ".log");
    }

    @Override
    public URI base() {
        return URI.create("http://127.0.0.1:" + port + "/");
    }

    public long pid() {
        return process.pid();
    }

    @Override
    public Duration start() throws Exception {
        long began = System.nanoTime();
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of("java"));
        if (tlsDir != null) {
            prepareHttpsKey();
            // Payara Micro takes one --systemproperties file: the key's; the test's go on the command line.
            Files.readAllLines(properties).stream().filter(line -> line.contains("=")).forEach(line -> command.add("-D" + line));
        }
        command.addAll(java.util.List.of("-jar",
                System.getProperty("payara.microJar", "target/payara-micro.jar"),
                "--nocluster", "--nohazelcast", "--port", Integer.toString(port)));
        if (tlsDir != null) {
            command.addAll(java.util.List.of("--sslport", Integer.toString(httpsPort),
                    "--systemproperties", tlsDir.resolve("payara.properties").toString()));
        } else {
            command.addAll(java.util.List.of("--systemproperties", properties.toString()));
        }
        command.addAll(java.util.List.of(
                // the same container settings as the README's run command
                "--prebootcommandfile", System.getProperty("palaver.preboot", "payara-config/pre-boot-commands.asadmin"),
                "--postbootcommandfile", System.getProperty("palaver.postboot", "payara-config/post-boot-commands.asadmin"),
                "--deploy", System.getProperty("palaver.war", "target/palaver.war")));
        if (extraDeployments.isEmpty()) {
            command.addAll(java.util.List.of("--contextroot", "/"));
        }
        extraDeployments.forEach(war -> command.addAll(java.util.List.of("--deploy", war)));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.redirectErrorStream(true);
        builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log));
        process = builder.start();
        return ServerProcess.awaitFirst200(base(), process, log, "Payara Micro", began);
    }

    /** The run command's first step: {@code java -jar palaver-tls.jar --dir <dir>}. */
    private void prepareHttpsKey() throws Exception {
        Process step = new ProcessBuilder("java", "-jar", System.getProperty("palaver.tlsJar", "target/palaver-tls.jar"),
                "--dir", tlsDir.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log))
                .start();
        if (!step.waitFor(2, TimeUnit.MINUTES) || step.exitValue() != 0) {
            step.destroyForcibly();
            throw new IllegalStateException("palaver-tls.jar failed; see " + log);
        }
    }

    @Override
    public void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() throws Exception {
        kill();
        Files.deleteIfExists(properties);
    }
}
