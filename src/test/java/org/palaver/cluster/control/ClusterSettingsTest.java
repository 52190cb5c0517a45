package org.palaver.cluster.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClusterSettingsTest {

    private static ClusterSettings settings(String members, String port, String name, String secret, String nodeUrl) {
        return ClusterSettings.parse(Optional.ofNullable(members), Optional.ofNullable(port), Optional.ofNullable(name),
                Optional.ofNullable(secret), Optional.ofNullable(nodeUrl));
    }

    @Test
    void unsetOrBlankMembersMeanOneNodeWithTheContractDefaults() {
        for (String members : new String[] {null, "", " , "}) {
            ClusterSettings single = settings(members, null, null, null, null);
            assertFalse(single.clustered());
            assertEquals(5701, single.port());
            assertEquals("palaver", single.name());
            assertTrue(single.secret().isEmpty());
            assertTrue(single.nodeUrl().isEmpty());
        }
    }

    @Test
    void membersArePortsOfHostsAndAddresses() {
        ClusterSettings cluster = settings(" 10.0.0.1:5701, node-b.corp.example:5702 ,[fd00::1]:5703,", "5800", "meet",
                "s3cret", "http://10.0.0.1:8080/");
        assertTrue(cluster.clustered());
        assertEquals(List.of("10.0.0.1:5701", "node-b.corp.example:5702", "[fd00::1]:5703"), cluster.members());
        assertEquals(5800, cluster.port());
        assertEquals("meet", cluster.name());
        assertEquals("http://10.0.0.1:8080/", cluster.nodeUrl().orElseThrow().toString());
    }

    @Test
    void aBadMemberStopsTheStartNamingTheKeyAndTheEntry() {
        for (String bad : new String[] {"10.0.0.1", "10.0.0.1:", "10.0.0.1:0", "10.0.0.1:65536", "host:port", "a b:5701",
                "http://10.0.0.1:5701", "user@10.0.0.1:5701", "10.0.0.1:5701/x"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> settings("10.0.0.2:5701," + bad, null, null, null, null), bad);
            assertTrue(e.getMessage().startsWith("palaver.cluster.members must"), e.getMessage());
            assertTrue(e.getMessage().contains("'" + bad.strip() + "'"), e.getMessage());
        }
    }

    @Test
    void aBadPortNameOrNodeUrlStopsTheStartNamingTheKey() {
        for (String port : new String[] {"0", "65536", "57o1", "-1"}) {
            assertTrue(assertThrows(IllegalArgumentException.class, () -> settings("a:1", port, null, null, null))
                    .getMessage().startsWith("palaver.cluster.port must"), port);
        }
        for (String name : new String[] {"two words", "x".repeat(65), "ünï"}) {
            assertTrue(assertThrows(IllegalArgumentException.class, () -> settings("a:1", null, name, null, null))
                    .getMessage().startsWith("palaver.cluster.name must"), name);
        }
        for (String url : new String[] {"10.0.0.1:8080", "ftp://x/", "http://x/?q", "/relative"}) {
            assertTrue(assertThrows(IllegalArgumentException.class, () -> settings("a:1", null, null, null, url))
                    .getMessage().startsWith("palaver.node.url must"), url);
        }
    }

    @Test
    void theSecretGoesIntoTheClusterNameWithoutShowingIt() {
        String withSecret = settings("a:1", null, "meet", "correct horse", null).effectiveName();
        assertEquals(withSecret, settings("b:2", "9999", "meet", "correct horse", null).effectiveName(), "same name and secret, same cluster");
        assertTrue(withSecret.matches("meet-[0-9a-f]{32}"), withSecret);
        assertFalse(withSecret.contains("correct"));
        assertNotEquals(withSecret, settings("a:1", null, "meet", "correct horse!", null).effectiveName(), "other secret");
        assertNotEquals(withSecret, settings("a:1", null, "meet2", "correct horse", null).effectiveName(), "other cluster");
        assertNotEquals(withSecret, settings("a:1", null, "meet", null, null).effectiveName(), "no secret");
        assertEquals("meet", settings("a:1", null, "meet", null, null).effectiveName());
        assertEquals("meet", settings("a:1", null, "meet", "  ", null).effectiveName(), "a blank secret is none");
    }

    @Test
    void theMemberConfigListsTheMembersOnTheFixedPortWithoutMulticastOrPhoneHome() {
        Config config = HazelcastMember.config(settings("127.0.0.1:5801,127.0.0.1:5802", "5801", null, "k", null));
        assertEquals(5801, config.getNetworkConfig().getPort());
        assertFalse(config.getNetworkConfig().isPortAutoIncrement());
        JoinConfig join = config.getNetworkConfig().getJoin();
        assertFalse(join.getMulticastConfig().isEnabled());
        assertFalse(join.getAutoDetectionConfig().isEnabled());
        assertTrue(join.getTcpIpConfig().isEnabled());
        assertEquals(List.of("127.0.0.1:5801", "127.0.0.1:5802"), join.getTcpIpConfig().getMembers());
        assertTrue(config.getClusterName().startsWith("palaver-"));
        assertEquals("false", config.getProperty("hazelcast.phone.home.enabled"));
        assertEquals("false", config.getProperty("hazelcast.shutdownhook.enabled"));
        assertFalse(config.getJetConfig().isEnabled());
    }
}
