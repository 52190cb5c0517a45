package org.palaver.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The server JVM's live heap, measured from outside with the JDK's jcmd: full GC, then "used". */
final class ServerHeap {

    private static final Pattern USED = Pattern.compile("used (\\d+)K");

    private ServerHeap() {
    }

    static long usedAfterGcBytes(long pid) throws IOException, InterruptedException {
        jcmd(pid, "GC.run");
        jcmd(pid, "GC.run");
        Matcher used = USED.matcher(jcmd(pid, "GC.heap_info"));
        if (!used.find()) {
            throw new IllegalStateException("jcmd GC.heap_info gave no 'used' figure");
        }
        return Long.parseLong(used.group(1)) * 1024;
    }

    /** Class name to live bytes, from a histogram after full GC: for finding what grew. */
    static java.util.Map<String, Long> histogram(long pid) throws IOException, InterruptedException {
        java.util.Map<String, Long> bytes = new java.util.HashMap<>();
        Matcher row = Pattern.compile("^\\s*\\d+:\\s+\\d+\\s+(\\d+)\\s+(\\S+)", Pattern.MULTILINE)
                .matcher(jcmd(pid, "GC.class_histogram"));
        while (row.find()) {
            bytes.merge(row.group(2), Long.parseLong(row.group(1)), Long::sum);
        }
        return bytes;
    }

    /** The classes whose live bytes grew most between two histograms. */
    static String growth(java.util.Map<String, Long> before, java.util.Map<String, Long> after, int top) {
        StringBuilder out = new StringBuilder();
        after.entrySet().stream()
                .map(e -> java.util.Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0L)))
                .sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
                .limit(top)
                .forEach(e -> out.append(String.format("  %+,10d bytes  %s%n", e.getValue(), e.getKey())));
        return out.toString();
    }

    /** Live threads by name, digits folded ("http-thread-pool::http-listener(#)"): per-thread caches grow with them. */
    static java.util.Map<String, Long> threads(long pid) throws IOException, InterruptedException {
        return jcmd(pid, "Thread.print").lines()
                .filter(line -> line.startsWith("\""))
                .map(line -> line.substring(1, line.indexOf('"', 1)).replaceAll("\\d+", "#"))
                .collect(java.util.stream.Collectors.groupingBy(name -> name, java.util.TreeMap::new,
                        java.util.stream.Collectors.counting()));
    }

    /** The thread kinds whose count changed, as "name: before -> after". */
    static String threadChanges(java.util.Map<String, Long> before, java.util.Map<String, Long> after) {
        StringBuilder out = new StringBuilder();
        java.util.Set<String> names = new java.util.TreeSet<>(before.keySet());
        names.addAll(after.keySet());
        for (String name : names) {
            long was = before.getOrDefault(name, 0L);
            long is = after.getOrDefault(name, 0L);
            if (was != is) {
                out.append(String.format("  %4d -> %4d  %s%n", was, is, name));
            }
        }
        return out.toString();
    }

    /** A heap dump of live objects, to follow what grew to its GC roots (docs/benchmarks.md). */
    static void dump(long pid, java.nio.file.Path file) throws IOException, InterruptedException {
        jcmd(pid, "GC.heap_dump " + file.toAbsolutePath());
    }

    private static String jcmd(long pid, String command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("jcmd", Long.toString(pid), command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("jcmd " + command + " failed: " + out);
        }
        return out;
    }
}
