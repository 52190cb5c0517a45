package org.palaver.cluster.control;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.config.TopicConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.instance.BuildInfoProvider;
import com.hazelcast.map.IMap;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * This node's Hazelcast member: the only class that touches Hazelcast, so a single node (no
 * {@code palaver.cluster.members}) never loads or starts any of it.
 *
 * <p>Classloading: the WAR carries {@code com.hazelcast:hazelcast} at the version Payara Micro
 * ships, because WildFly ships none. Payara's web class loader delegates to its parent first, and
 * Payara exports its own Hazelcast to applications, so there the server's copy is the one used and
 * the WAR's stays unused; the same version keeps the API the same either way. Everything here is
 * set on this instance's own {@link Config} (no system properties), so Payara's own Hazelcast,
 * when it runs, is not affected, and both can live in one JVM on different ports.
 */
public final class HazelcastMember implements AutoCloseable {

    public static final String NODES = "palaver-nodes";
    public static final String ROOMS = "palaver-rooms";
    public static final String ENDED = "palaver-ended";
    /**
     * How long a room that ended is remembered as ended: as long as a resume token may rebuild a
     * room (the rooms' {@code ResumeTokens.MAX_AGE}), so no token of it can bring it back.
     */
    public static final Duration ENDED_KEPT = Duration.ofHours(12);
    /** Each node listens on its own topic, {@code palaver-node-<node id>}, for what other nodes send it. */
    public static final String NODE_TOPIC = "palaver-node-";

    private final HazelcastInstance instance;

    private HazelcastMember(HazelcastInstance instance) {
        this.instance = instance;
    }

    /** Starts a member and waits until it joined the others on the list, or formed a cluster alone. */
    public static HazelcastMember join(ClusterSettings settings, Consumer<UUID> memberLeft) {
        HazelcastInstance instance = Hazelcast.newHazelcastInstance(config(settings));
        instance.getCluster().addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent event) {
                // a node announces itself by writing its palaver-nodes entry
            }

            @Override
            public void memberRemoved(MembershipEvent event) {
                memberLeft.accept(event.getMember().getUuid());
            }
        });
        return new HazelcastMember(instance);
    }

    static Config config(ClusterSettings settings) {
        Config config = new Config();
        config.setClusterName(settings.effectiveName());
        // unique, so it never meets another instance in Hazelcast's JVM-wide registry (Payara's own, a redeploy)
        config.setInstanceName("palaver-" + UUID.randomUUID());
        config.setProperty("hazelcast.phone.home.enabled", "false");
        // the application shuts the member down when it is undeployed, not the JVM's shutdown hook
        config.setProperty("hazelcast.shutdownhook.enabled", "false");
        config.setProperty("hazelcast.logging.type", "jdk");
        // a node killed outright is dropped within seconds, not after the 60 s default;
        // still long enough to ride out a garbage collection pause
        config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
        config.setProperty("hazelcast.max.no.heartbeat.seconds", "15");
        // After a member dies Hazelcast pauses partition moves, backups taking over the dead
        // member's partitions included, for the longest of this, 3 heartbeats and its connection
        // checks; grid calls on those partitions wait meanwhile. 5 s by default, so with the
        // heartbeat above a room can be taken over about 3 s after its node died instead of 6.
        config.setProperty("hazelcast.migration.min.delay.on.member.removed.seconds", "1");
        // the members are listed: no reason to wait 5 s for more before joining
        config.setProperty("hazelcast.wait.seconds.before.join", "1");
        // a leaving node hands its few entries over in seconds; never hold an undeploy for the 600 s default
        config.setProperty("hazelcast.graceful.shutdown.max.wait", "20");
        config.getJetConfig().setEnabled(false);
        // A plain topic, not a reliable one: the message goes straight to the one member that
        // listens (no ringbuffer on a partition owner in between), and messages one member
        // publishes reach the listener in the order published, one at a time, which is the order
        // a relayed socket needs. A lost member loses its messages either way.
        config.addTopicConfig(new TopicConfig(NODE_TOPIC + "*").setGlobalOrderingEnabled(false)
                .setMultiThreadingEnabled(false).setStatisticsEnabled(false));
        config.addMapConfig(new MapConfig(ENDED).setTimeToLiveSeconds((int) ENDED_KEPT.toSeconds()));
        NetworkConfig network = config.getNetworkConfig();
        network.setPort(settings.port()).setPortAutoIncrement(false);
        network.getRestApiConfig().setEnabled(false);
        network.getMemcacheProtocolConfig().setEnabled(false);
        JoinConfig join = network.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).setMembers(settings.members());
        return config;
    }

    /** Which Hazelcast this is and where its classes come from, for the start-up log. */
    public static String origin() {
        var source = HazelcastInstance.class.getProtectionDomain().getCodeSource();
        return "Hazelcast " + BuildInfoProvider.getBuildInfo().getVersion()
                + " from " + (source == null ? "the server" : source.getLocation());
    }

    public boolean running() {
        return instance.getLifecycleService().isRunning();
    }

    public String nodeId() {
        return instance.getCluster().getLocalMember().getUuid().toString();
    }

    /** Ids of the members Hazelcast sees now, this one included. */
    public Set<String> memberIds() {
        return instance.getCluster().getMembers().stream().map(Member::getUuid).map(UUID::toString).collect(Collectors.toSet());
    }

    /** Whether this member is the oldest, the one that cleans up after departed members. */
    public boolean oldest() {
        return instance.getCluster().getMembers().iterator().next().localMember();
    }

    /**
     * Hands every message on this node's topic to {@code onMessage} (sending node's id, text), one at
     * a time on Hazelcast's event thread: it must not block.
     */
    public void listen(BiConsumer<String, String> onMessage) {
        instance.<String>getTopic(NODE_TOPIC + nodeId()).addMessageListener(message ->
                onMessage.accept(message.getPublishingMember().getUuid().toString(), message.getMessageObject()));
    }

    /** Fire and forget: returns once the message is on its way to {@code node}. */
    public void send(String node, String text) {
        instance.<String>getTopic(NODE_TOPIC + node).publish(text);
    }

    public IMap<String, String> nodes() {
        return instance.getMap(NODES);
    }

    public IMap<String, String> rooms() {
        return instance.getMap(ROOMS);
    }

    public IMap<String, String> ended() {
        return instance.getMap(ENDED);
    }

    @Override
    public void close() {
        instance.shutdown();
    }
}
