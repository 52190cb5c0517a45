package org.palaver.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * This installation's own HTTPS key, so that Payara Micro never serves its built-in {@code s1as}
 * key, whose private key ships inside every public payara-micro.jar. Runs before Payara Micro:
 *
 * <pre>java -jar palaver-tls.jar [--dir DIR] [HOST-NAME-OR-ADDRESS ...]</pre>
 *
 * DIR (default {@code ~/.palaver/tls}) holds {@code keystore.p12} and {@code keystore.password}:
 * made on the first run (a new key and a self-signed certificate for this host's name and
 * addresses, plus the names given), kept after, or put there by an admin (the company's own
 * certificate). Every run checks them, writes {@code DIR/payara.properties} for Payara Micro's
 * {@code --systemproperties} and prints the certificate's SHA-256 fingerprint, which is what a
 * browser shows when it asks whether to trust the certificate.
 */
public final class InstallationKey {

    /** Payara Micro's built-in s1as certificate: its private key is public. */
    static final String PAYARA_BUILT_IN = "8C:9D:5E:C6:40:81:8D:EB:0D:30:07:AC:3A:C7:84:F7:6D:E5:CC:9E:C5:EA:3C:7B:2B:CC:3D:15:E4:4E:2B:CA";
    static final String ALIAS = "palaver";
    static final String KEYSTORE = "keystore.p12";
    static final String PASSWORD = "keystore.password";
    static final String PAYARA_PROPERTIES = "payara.properties";

    private static final Pattern DNS_NAME = Pattern.compile("(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");
    private static final Pattern IPV4 = Pattern.compile("((25[0-5]|2[0-4]\\d|1?\\d?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1?\\d?\\d)");
    private static final Pattern IPV6 = Pattern.compile("(?i)[0-9a-f:.]*:[0-9a-f:.]*");

    private final Path dir;

    InstallationKey(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    public static void main(String[] args) {
        Path dir = Path.of(System.getProperty("user.home"), ".palaver", "tls");
        List<String> names = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if ("--dir".equals(args[i]) && i + 1 < args.length) {
                dir = Path.of(args[++i]);
            } else if (args[i].startsWith("-")) {
                fail("usage: java -jar palaver-tls.jar [--dir DIR] [HOST-NAME-OR-ADDRESS ...]");
            } else if (!args[i].isBlank()) {
                names.add(args[i].strip());
            }
        }
        try {
            InstallationKey key = new InstallationKey(dir);
            boolean made = key.ensure(names);
            X509Certificate certificate = key.certificate();
            key.writePayaraProperties();
            System.out.println(key.describe(certificate, made));
        } catch (IllegalStateException | IllegalArgumentException e) {
            fail(e.getMessage());
        } catch (IOException | GeneralSecurityException | UncheckedIOException e) {
            fail("Could not prepare the HTTPS key in " + dir + ": " + e);
        }
    }

    private static void fail(String message) {
        System.err.println(message);
        System.exit(1);
    }

    /** Makes the key and certificate unless DIR already has them; true when it made them now. */
    boolean ensure(List<String> extraNames) throws IOException, GeneralSecurityException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            restrict(dir, "rwx------"); // one the admin made (a company certificate) keeps its own
        }
        if (Files.exists(dir.resolve(KEYSTORE))) {
            return false;
        }
        SubjectNames names = SubjectNames.of(extraNames);
        // Both files are made under temporary names and moved in place, the keystore last, so an
        // interrupted first start leaves no keystore without its password.
        Path password = Files.createTempFile(dir, PASSWORD, ".tmp");
        Path keystore = dir.resolve(KEYSTORE + "." + Long.toUnsignedString(new SecureRandom().nextLong(), 36) + ".tmp");
        try {
            restrict(password, "rw-------");
            byte[] secret = new byte[24];
            new SecureRandom().nextBytes(secret);
            Files.writeString(password, Base64.getUrlEncoder().withoutPadding().encodeToString(secret) + "\n");
            keytool(List.of("-genkeypair", "-alias", ALIAS, "-keyalg", "EC", "-groupname", "secp256r1",
                    "-sigalg", "SHA256withECDSA", "-validity", "3650",
                    "-dname", "CN=" + names.commonName() + ", O=Palaver",
                    "-ext", "SAN=" + names.san(),
                    "-storetype", "PKCS12", "-keystore", keystore.toString(),
                    "-storepass:file", password.toString()));
            restrict(keystore, "rw-------");
            Files.move(password, dir.resolve(PASSWORD), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Files.move(keystore, dir.resolve(KEYSTORE), StandardCopyOption.ATOMIC_MOVE);
            return true;
        } finally {
            Files.deleteIfExists(password);
            Files.deleteIfExists(keystore);
        }
    }

    /** The certificate of the keystore's one key, refused if it is Payara's built-in one. */
    X509Certificate certificate() throws IOException, GeneralSecurityException {
        KeyStore store = load();
        String alias = alias(store);
        X509Certificate certificate = (X509Certificate) store.getCertificate(alias);
        if (PAYARA_BUILT_IN.equals(fingerprint(certificate))) {
            throw new IllegalStateException(dir.resolve(KEYSTORE) + " holds Payara's built-in s1as certificate, whose private key "
                    + "is public: remove it, and a key of this installation's own is made at the next start.");
        }
        return certificate;
    }

    /** Payara Micro's --systemproperties: the keystore, its password and which key to serve. */
    void writePayaraProperties() throws IOException, GeneralSecurityException {
        Properties properties = new Properties();
        properties.setProperty("javax.net.ssl.keyStore", dir.resolve(KEYSTORE).toString());
        properties.setProperty("javax.net.ssl.keyStorePassword", password());
        properties.setProperty("payaramicro.sslCert", alias(load()));
        Path file = dir.resolve(PAYARA_PROPERTIES);
        Path written = Files.createTempFile(dir, PAYARA_PROPERTIES, ".tmp");
        try {
            restrict(written, "rw-------");
            try (OutputStream out = Files.newOutputStream(written)) {
                properties.store(out, "Written by palaver-tls.jar at every start from " + KEYSTORE + " and " + PASSWORD + "; edit those, not this");
            }
            Files.move(written, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(written);
        }
    }

    String describe(X509Certificate certificate, boolean made) throws GeneralSecurityException {
        StringBuilder text = new StringBuilder();
        text.append("HTTPS certificate of this installation (").append(made ? "made now" : "kept from before")
                .append("): ").append(dir.resolve(KEYSTORE)).append('\n');
        text.append("  subject: ").append(certificate.getSubjectX500Principal().getName()).append('\n');
        text.append("  names:   ").append(subjectAlternativeNames(certificate)).append('\n');
        text.append("  valid until: ").append(certificate.getNotAfter().toInstant()).append('\n');
        if (certificate.getNotAfter().toInstant().isBefore(Instant.now().plus(Duration.ofDays(30)))) {
            text.append("  WARNING: it expires within 30 days (or has); replace it, or remove ").append(dir)
                    .append(" to have a new one made at the next start.\n");
        }
        text.append("  SHA-256 fingerprint: ").append(fingerprint(certificate)).append('\n');
        text.append("When a browser asks whether to trust this site, its certificate viewer must show this SHA-256 fingerprint.");
        return text.toString();
    }

    static String fingerprint(X509Certificate certificate) throws GeneralSecurityException {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
        return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
    }

    private KeyStore load() throws IOException, GeneralSecurityException {
        Path keystore = dir.resolve(KEYSTORE);
        if (!Files.exists(dir.resolve(PASSWORD))) {
            throw new IllegalStateException(keystore + " has no " + dir.resolve(PASSWORD) + " beside it (one line: the keystore's password)");
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, password().toCharArray());
        } catch (IOException e) {
            throw new IllegalStateException("Cannot open " + keystore + " with the password in " + PASSWORD + ": " + e.getMessage());
        }
        return store;
    }

    private String password() throws IOException {
        return Files.readString(dir.resolve(PASSWORD), StandardCharsets.UTF_8).strip();
    }

    private String alias(KeyStore store) throws GeneralSecurityException {
        List<String> keys = new ArrayList<>();
        for (String alias : Collections.list(store.aliases())) {
            if (store.isKeyEntry(alias) && store.getCertificate(alias) instanceof X509Certificate) {
                keys.add(alias);
            }
        }
        if (keys.size() != 1) {
            throw new IllegalStateException(dir.resolve(KEYSTORE) + " must hold exactly one key with its certificate; it holds "
                    + keys.size() + " " + keys);
        }
        return keys.get(0);
    }

    private static String subjectAlternativeNames(X509Certificate certificate) throws CertificateParsingException {
        if (certificate.getSubjectAlternativeNames() == null) {
            return "(none)";
        }
        List<String> names = new ArrayList<>();
        for (List<?> name : certificate.getSubjectAlternativeNames()) {
            names.add(name.get(1).toString());
        }
        return String.join(", ", names);
    }

    private static void keytool(List<String> arguments) throws IOException {
        String executable = System.getProperty("os.name").toLowerCase(Locale.ROOT).startsWith("windows") ? "keytool.exe" : "keytool";
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", executable).toString());
        command.addAll(arguments);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(2, TimeUnit.MINUTES) || process.exitValue() != 0) {
                throw new IOException("keytool failed: " + output.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while keytool ran", e);
        } finally {
            process.destroy();
        }
    }

    private static void restrict(Path path, String permissions) throws IOException {
        try {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(permissions));
        } catch (UnsupportedOperationException notPosix) {
            // Windows: the directory's ACL (the user's profile) applies.
        }
    }

    /** The names a browser may use for this host: its name, its addresses, localhost, and those given. */
    record SubjectNames(String commonName, Set<String> dnsNames, Set<String> addresses) {

        static SubjectNames of(List<String> extra) {
            Set<String> dns = new LinkedHashSet<>();
            Set<String> ips = new LinkedHashSet<>();
            for (String name : extra) {
                if (IPV4.matcher(name).matches() || IPV6.matcher(name).matches()) {
                    ips.add(literal(name));
                } else if (isDnsName(name)) {
                    dns.add(name.toLowerCase(Locale.ROOT));
                } else {
                    throw new IllegalArgumentException("not a host name or an IP address: " + name);
                }
            }
            String common = extra.isEmpty() ? null : extra.get(0);
            try {
                InetAddress local = InetAddress.getLocalHost();
                addDns(dns, local.getHostName());
                addDns(dns, local.getCanonicalHostName());
                if (common == null && dns.contains(local.getHostName().toLowerCase(Locale.ROOT))) {
                    common = local.getHostName();
                }
            } catch (UnknownHostException unresolvable) {
                // A host whose own name does not resolve: its addresses below still go in.
            }
            dns.add("localhost");
            try {
                for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                    if (!nic.isUp()) {
                        continue;
                    }
                    for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                        if (!address.isLinkLocalAddress() && !address.isMulticastAddress()) {
                            ips.add(address instanceof Inet6Address ? address.getHostAddress().replaceAll("%.*", "") : address.getHostAddress());
                        }
                    }
                }
            } catch (SocketException e) {
                throw new UncheckedIOException(e);
            }
            ips.add("127.0.0.1");
            return new SubjectNames(common == null ? "localhost" : common, dns, ips);
        }

        private static void addDns(Set<String> dns, String name) {
            if (name != null && isDnsName(name)) {
                dns.add(name.toLowerCase(Locale.ROOT));
            }
        }

        /** A syntactically valid host name; its last label is not all digits (that would be an address). */
        private static boolean isDnsName(String name) {
            return name.length() <= 253 && DNS_NAME.matcher(name).matches() && !name.matches("(.*\\.)?\\d+");
        }

        private static String literal(String address) {
            try {
                // A literal only: getByName does no lookup for one.
                return InetAddress.getByName(address).getHostAddress().replaceAll("%.*", "");
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("not an IP address: " + address);
            }
        }

        /** keytool's -ext SAN= value. */
        String san() {
            List<String> entries = new ArrayList<>();
            dnsNames.forEach(name -> entries.add("dns:" + name));
            addresses.forEach(address -> entries.add("ip:" + address));
            return String.join(",", entries);
        }
    }
}
