package org.palaver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.palaver.it.ClusterNodes.awaitCluster;
import static org.palaver.it.ClusterNodes.freePort;
import static org.palaver.it.ClusterNodes.members;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Several nodes behind a real load balancer: Debian's nginx, plain round robin, no sticky
 * sessions, configured from {@code docs/cluster/nginx.conf}. Three people in one mesh call land
 * on different nodes (three nodes on Payara Micro, two on WildFly); the node holding the room is
 * killed outright; every page reconnects through the survivors, the room is rebuilt on one of
 * them under the same participant ids, no tile goes away and the video never stops.
 */
class ClusterBrowserIT {

    /** Generous: waits for the machine (boots, first frames), not measurements of the product. */
    static final Duration UI = Duration.ofSeconds(90);
    private static final String SECRET = "cluster-browser-it-secret-0123456789abcdef";

    private final List<ServerProcess> nodes = new ArrayList<>();
    private final List<Browser> browsers = new ArrayList<>();
    private Nginx nginx;

    @AfterEach
    void stop() throws Exception {
        for (Browser browser : browsers) {
            browser.screenshot("cluster-" + browser.label);
            browser.close();
        }
        if (nginx != null) {
            nginx.close();
        }
        for (ServerProcess node : nodes) {
            node.close();
        }
    }

    @Test
    void aCallSpreadOverNodesGoesOnWhenTheRoomsNodeIsKilled() throws Exception {
        int count = "wildfly".equals(System.getProperty("palaver.it.server", "payara")) ? 2 : 3;
        List<Integer> clusterPorts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            clusterPorts.add(freePort());
        }
        String members = clusterPorts.stream().map(port -> "127.0.0.1:" + port).collect(Collectors.joining(","));
        for (int port : clusterPorts) {
            nodes.add(ClusterNodes.node(members, port, SECRET));
        }
        ClusterNodes.startAll(nodes);
        for (ServerProcess node : nodes) {
            awaitCluster(node, data -> members(data) == count);
        }
        nginx = Nginx.start(nodes.stream().map(ServerProcess::base).toList());
        URI site = nginx.base();

        String room = Deployments.createRoom(site);
        ServerProcess owner = nodeThatServed("POST", "/api/rooms");
        for (String name : List.of("Alice", "Bob", "Carol")) {
            Browser browser = new Browser(name.toLowerCase());
            browsers.add(browser);
            browser.joinCall(site + "room/" + room, name, UI);
        }
        Map<String, String> idsBefore = new LinkedHashMap<>();
        for (Browser browser : browsers) {
            browser.waiting(UI).until(d -> browser.tiles().size() == 2);
            browser.assertDecodingFrom(2, UI);
            idsBefore.put(browser.label, tileIds(browser));
            browser.script("window.__probe.watchTiles(); window.__probe.watchStatus()");
        }

        long killedAt = System.currentTimeMillis();
        long killed = System.nanoTime();
        owner.kill();
        for (Browser browser : browsers) {
            browser.waiting(UI).until(d -> "connected".equals(browser.connectionStatus())
                    && ((List<?>) browser.script("return window.__probe.statuses")).contains("reconnecting"));
        }
        long backAfter = Duration.ofNanos(System.nanoTime() - killed).toMillis();
        // each page's own clock: from the kill to its last change to connected
        Map<String, Long> pageBack = new LinkedHashMap<>();
        for (Browser browser : browsers) {
            pageBack.put(browser.label, ((Number) browser.script("const t = window.__probe.statusTimes.filter((s) => s.state"
                    + " === 'connected'); return t[t.length - 1].at")).longValue() - killedAt);
        }
        for (Browser browser : browsers) {
            assertEquals(0L, browser.script("return window.__probe.removedTiles"), browser.label + " lost a tile");
            assertEquals(idsBefore.get(browser.label), tileIds(browser), browser.label + ": the same people, the same ids");
            browser.assertDecodingFrom(2, UI);
        }
        JsonObject rebuilt = json(HttpClient.newHttpClient().send(HttpRequest.newBuilder(site.resolve("api/rooms/" + room)).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        Set<String> everyone = new HashSet<>();
        idsBefore.values().forEach(ids -> everyone.addAll(List.of(ids.split(","))));
        assertEquals(everyone, rebuilt.getJsonArray("participants").getValuesAs(JsonObject.class).stream()
                .map(p -> p.getString("id")).collect(Collectors.toSet()), "the rebuilt room has all three, under their ids");

        // The sockets were logged as they closed: the three first ones went to different nodes.
        for (Browser browser : browsers) {
            browser.close();
        }
        browsers.clear();
        List<Nginx.Served> sockets = awaitSockets(killedAt);
        Set<String> socketNodes = sockets.stream().limit(3).map(Nginx.Served::node).collect(Collectors.toSet());
        assertEquals(Math.min(3, count), socketNodes.size(), "the first three sockets spread over the nodes: " + sockets);
        assertTrue(socketNodes.contains(address(owner)), "one of them on the node that was killed: " + sockets);
        System.out.printf("ClusterBrowserIT: %d nodes behind nginx; after kill -9 of the room's node the pages were connected"
                + " again after %s ms (page clocks; all seen by the test after %d ms), with the same ids and video throughout%n",
                count, pageBack, backAfter);
    }

    /** The participant ids of the page's tiles, sorted and joined. */
    private static String tileIds(Browser browser) {
        return browser.tiles().stream().map(tile -> tile.getAttribute("data-participant-id")).sorted()
                .collect(Collectors.joining(","));
    }

    private ServerProcess nodeThatServed(String method, String path) throws Exception {
        // nginx writes the log line after the response has gone out: the client may be quicker
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        java.util.Optional<Nginx.Served> logged;
        while ((logged = nginx.served().stream().filter(s -> s.method().equals(method) && s.path().equals(path))
                .findFirst()).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        Nginx.Served served = logged.orElseThrow(() -> new AssertionError("nginx logged no " + method + " " + path));
        return nodes.stream().filter(node -> address(node).equals(served.node())).findFirst()
                .orElseThrow(() -> new AssertionError(served + " was served by none of the nodes"));
    }

    /** The signaling sockets opened before {@code beforeMillis}, once all of them are logged. */
    private List<Nginx.Served> awaitSockets(long beforeMillis) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            List<Nginx.Served> sockets = nginx.served().stream()
                    .filter(s -> s.path().startsWith("/signal/") && s.status() == 101 && s.beganMillis() < beforeMillis)
                    .toList();
            if (sockets.size() >= 3 || System.nanoTime() > deadline) {
                return sockets;
            }
            Thread.sleep(200);
        }
    }

    private static String address(ServerProcess node) {
        return node.base().getHost() + ":" + node.base().getPort();
    }

    private static JsonObject json(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }
}
