package org.palaver.recordings.control;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One byte range of a {@code Range} header ({@code bytes=a-b}, {@code bytes=a-}, {@code bytes=-n}),
 * clipped to the file: what a {@code <video>} asks for while it seeks. Several ranges at once are
 * answered whole (RFC 9110 allows it), never as multipart.
 */
public record ByteRange(long first, long last) {

    private static final Pattern ONE = Pattern.compile("bytes=(\\d{0,18})-(\\d{0,18})");

    public long length() {
        return last - first + 1;
    }

    /**
     * Empty when the header is absent, not one byte range, or several: send the whole file.
     * Throws {@link Unsatisfiable} for a range that starts past the end (answer 416).
     */
    public static Optional<ByteRange> parse(String header, long size) {
        if (header == null) {
            return Optional.empty();
        }
        Matcher m = ONE.matcher(header.strip());
        if (!m.matches() || m.group(1).isEmpty() && m.group(2).isEmpty()) {
            return Optional.empty();
        }
        if (m.group(1).isEmpty()) { // the last n bytes
            long n = Long.parseLong(m.group(2));
            if (n == 0 || size == 0) {
                throw new Unsatisfiable();
            }
            return Optional.of(new ByteRange(Math.max(0, size - n), size - 1));
        }
        long first = Long.parseLong(m.group(1));
        long last = m.group(2).isEmpty() ? size - 1 : Math.min(Long.parseLong(m.group(2)), size - 1);
        if (first >= size || last < first) {
            throw new Unsatisfiable();
        }
        return Optional.of(new ByteRange(first, last));
    }

    /** A range this file cannot satisfy. */
    public static final class Unsatisfiable extends RuntimeException {
        Unsatisfiable() {
            super("range not satisfiable", null, false, false);
        }
    }
}
