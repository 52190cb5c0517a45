package org.palaver.recordings.control;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The folder recordings go to ({@code palaver.recordings.dir}), shared with the media server,
 * which writes the files. One WebM file per part: {@code <room>-<start, UTC>.webm} (a recording
 * whose media server died goes on in a new part). Beside them, written by Palaver:
 * {@code <room>.host} (the hash of the room's host key, so its hosts can list the recordings after
 * the room is gone) and {@code <part>.webm.ended} (when the part was stopped).
 */
public final class RecordingDirectory {

    /** A part still growing this recently counts as being written when it has no end marker (its node died). */
    static final Duration STILL_WRITING = Duration.ofSeconds(15);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final Pattern PART = Pattern.compile("([A-Za-z0-9_-]{22})-(\\d{8}T\\d{6}Z)");

    private final Path dir;

    public RecordingDirectory(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    /** The id (file name without {@code .webm}) of a part of {@code room} starting {@code at}. */
    public static String partId(String room, Instant at) {
        return room + "-" + STAMP.format(at);
    }

    /** Whether {@code id} can name a part of {@code room} (never a path elsewhere). */
    public static boolean isPartOf(String id, String room) {
        Matcher m = PART.matcher(id == null ? "" : id);
        return m.matches() && m.group(1).equals(room);
    }

    /** The file the media server writes a part to. */
    public Path file(String partId) {
        return dir.resolve(partId + ".webm");
    }

    /** Where the media server is to write a part, as the {@code file://} URI its recorder takes. */
    public String uri(String partId) {
        return file(partId).toUri().toString();
    }

    /** Notes the room's host key hash, so that its hosts can list its recordings once it is gone. */
    public void rememberHostKey(String room, String hostKeyHash) {
        write(dir.resolve(room + ".host"), hostKeyHash);
    }

    public Optional<String> hostKeyHash(String room) {
        return read(dir.resolve(room + ".host"));
    }

    /** The part was stopped: its end, beside it. */
    public void ended(String partId, Instant at) {
        write(dir.resolve(partId + ".webm.ended"), at.toString());
    }

    /** The room's parts, oldest first. */
    public List<Part> parts(String room, Instant now) {
        List<Part> parts = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String name = file.getFileName().toString();
                if (!name.endsWith(".webm") || !isPartOf(name.substring(0, name.length() - 5), room)) {
                    continue;
                }
                String id = name.substring(0, name.length() - 5);
                Instant modified = Files.getLastModifiedTime(file).toInstant();
                Instant ended = read(dir.resolve(name + ".ended")).flatMap(RecordingDirectory::instant)
                        .orElse(modified.plus(STILL_WRITING).isBefore(now) ? modified : null);
                parts.add(new Part(id, started(id), ended, Files.size(file)));
            }
        } catch (java.nio.file.NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        parts.sort(Comparator.comparing(Part::started).thenComparing(Part::id));
        return parts;
    }

    /** One part: {@code ended} null while it is being written. */
    public record Part(String id, Instant started, Instant ended, long bytes) {
    }

    /**
     * Deletes parts last written before {@code cutoff} (and their end markers), and the host key
     * notes of rooms with no part left that are older than the cutoff too. Returns how many parts
     * went.
     */
    public int sweep(Instant cutoff) {
        int deleted = 0;
        List<Path> all;
        try (Stream<Path> files = Files.list(dir)) {
            all = files.toList();
        } catch (java.nio.file.NoSuchFileException e) {
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Set<String> roomsWithParts = new HashSet<>();
        for (Path file : all) {
            String name = file.getFileName().toString();
            Matcher part = PART.matcher(name.endsWith(".webm") ? name.substring(0, name.length() - 5) : "");
            if (!part.matches()) {
                continue;
            }
            if (olderThan(file, cutoff)) {
                delete(file);
                delete(dir.resolve(name + ".ended"));
                deleted++;
            } else {
                roomsWithParts.add(part.group(1));
            }
        }
        for (Path file : all) {
            String name = file.getFileName().toString();
            if (name.endsWith(".host") && olderThan(file, cutoff) && !roomsWithParts.contains(name.substring(0, name.length() - 5))) {
                delete(file);
            }
        }
        return deleted;
    }

    private static Instant started(String id) {
        Matcher m = PART.matcher(id);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a part id: " + id);
        }
        return Instant.from(STAMP.parse(m.group(2)));
    }

    private static Optional<Instant> instant(String text) {
        try {
            return Optional.of(Instant.parse(text.strip()));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static boolean olderThan(Path file, Instant cutoff) {
        try {
            return Files.getLastModifiedTime(file).toInstant().isBefore(cutoff);
        } catch (IOException e) {
            return false; // gone meanwhile, or unreadable: the next sweep sees
        }
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Optional<String> read(Path file) {
        try {
            return Optional.of(Files.readString(file, StandardCharsets.UTF_8).strip());
        } catch (java.nio.file.NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
