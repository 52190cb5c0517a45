package org.palaver.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The components' dependencies as the sources state them (imports and fully qualified names):
 * rooms knows neither how media flows nor how messages travel, and the wire records depend on
 * no component that uses them. See docs/architecture.md.
 */
class PackageGraphTest {

    private static final Path SOURCES = Path.of("src/main/java/org/palaver");
    private static final Pattern REFERENCE = Pattern.compile("org\\.palaver\\.([a-z]+)");
    private static final Set<String> CORE = Set.of("rooms", "signaling", "media", "protocol");

    /** component -> the components its sources name. */
    static Map<String, Set<String>> graph() {
        Map<String, Set<String>> graph = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String component = SOURCES.relativize(file).getName(0).toString();
                Set<String> uses = graph.computeIfAbsent(component, c -> new TreeSet<>());
                Matcher m = REFERENCE.matcher(Files.readString(file));
                while (m.find()) {
                    if (!m.group(1).equals(component)) {
                        uses.add(m.group(1));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return graph;
    }

    @Test
    void roomsNamesNeitherMediaNorSignaling() {
        Set<String> uses = graph().get("rooms");
        assertFalse(uses.contains("media"), "rooms uses media only through its MediaPort: " + uses);
        assertFalse(uses.contains("signaling"), "rooms speaks the protocol's records, not signaling's: " + uses);
    }

    @Test
    void theWireRecordsDependOnNoComponentThatUsesThem() {
        Set<String> uses = graph().get("protocol");
        assertTrue(uses.stream().noneMatch(CORE::contains), "protocol: " + uses);
    }

    @Test
    void noCycleAmongRoomsSignalingMediaAndProtocol() {
        Map<String, Set<String>> graph = graph();
        assertTrue(graph.keySet().containsAll(CORE), "every core component has sources: " + graph.keySet());
        for (String start : CORE) {
            // Everything reachable from start inside the core; reaching start again is a cycle.
            Deque<List<String>> paths = new ArrayDeque<>(List.of(List.of(start)));
            Set<String> seen = new TreeSet<>();
            while (!paths.isEmpty()) {
                List<String> path = paths.pop();
                for (String next : graph.getOrDefault(path.get(path.size() - 1), Set.of())) {
                    if (!CORE.contains(next)) {
                        continue;
                    }
                    List<String> longer = Stream.concat(path.stream(), Stream.of(next)).toList();
                    assertFalse(next.equals(start), "cycle: " + String.join(" -> ", longer));
                    if (seen.add(next)) {
                        paths.push(longer);
                    }
                }
            }
        }
    }

    @Test
    void theGraphIsReadFromTheSources() {
        // The check above is only as good as the reading: signaling is known to use rooms.
        assertEquals(true, graph().get("signaling").contains("rooms"));
    }
}
