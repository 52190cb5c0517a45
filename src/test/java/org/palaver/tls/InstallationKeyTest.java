package org.palaver.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstallationKeyTest {

    @TempDir
    Path tmp;

    @Test
    void madeOnceForTheGivenNamesAndKeptAfter() throws Exception {
        Path dir = tmp.resolve("tls");
        InstallationKey key = new InstallationKey(dir);
        assertTrue(key.ensure(List.of("meet.corp.example", "10.1.2.3")));
        X509Certificate first = key.certificate();
        List<String> names = new ArrayList<>();
        first.getSubjectAlternativeNames().forEach(name -> names.add(name.get(1).toString()));
        assertTrue(names.containsAll(List.of("meet.corp.example", "10.1.2.3", "localhost", "127.0.0.1")), names.toString());
        assertEquals("CN=meet.corp.example,O=Palaver", first.getSubjectX500Principal().getName());

        InstallationKey again = new InstallationKey(dir);
        assertFalse(again.ensure(List.of("other.example")));
        assertEquals(InstallationKey.fingerprint(first), InstallationKey.fingerprint(again.certificate()));
        assertTrue(key.describe(first, false).contains("SHA-256 fingerprint: " + InstallationKey.fingerprint(first)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("keystore.p12"))));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("keystore.password"))));
        try (InputStream in = Files.newInputStream(dir.resolve("keystore.p12"))) {
            assertTrue(in.readAllBytes().length > 0);
        }
    }

    @Test
    void payaraPropertiesPointAtTheKey() throws Exception {
        Path dir = tmp.resolve("tls");
        InstallationKey key = new InstallationKey(dir);
        key.ensure(List.of());
        key.writePayaraProperties();
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(dir.resolve("payara.properties"))) {
            properties.load(in);
        }
        assertEquals(dir.resolve("keystore.p12").toAbsolutePath().toString(), properties.getProperty("javax.net.ssl.keyStore"));
        assertEquals(Files.readString(dir.resolve("keystore.password")).strip(), properties.getProperty("javax.net.ssl.keyStorePassword"));
        assertEquals("palaver", properties.getProperty("payaramicro.sslCert"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("payara.properties"))));
    }

    @Test
    void namesThatCouldBreakTheCertificateAreRefused() {
        for (String bad : new String[] {"bad,name", "a b", "x=y", "300.1.2.3", "-"}) {
            assertThrows(IllegalArgumentException.class, () -> new InstallationKey(tmp.resolve("tls")).ensure(List.of(bad)), bad);
        }
    }

    @Test
    void aKeystoreWithoutItsPasswordIsRefusedWithAClearMessage() throws Exception {
        Path dir = tmp.resolve("tls");
        new InstallationKey(dir).ensure(List.of());
        Files.delete(dir.resolve("keystore.password"));
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> new InstallationKey(dir).certificate());
        assertTrue(refused.getMessage().contains("keystore.password"), refused.getMessage());
    }
}
