package org.palaver.rooms.entity;

import java.text.Normalizer;
import java.util.Collection;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.palaver.platform.VisibleText;

/** Rules for the name a person types before joining; everything else about them the server assigns. */
public final class DisplayName {

    public static final int MAX_LENGTH = 64;

    /**
     * Cyrillic and Greek letters drawn like Latin ones, and digits like letters (a small part of
     * Unicode's confusables, the part that fits names): "Воb" and "B0b" are Bob to a reader.
     */
    private static final String CONFUSABLE_FROM = "\u0430\u0435\u043E\u0440\u0441\u0443\u0445\u0456\u0458\u0455\u0501\u051B\u051D\u04BB\u04CF\u0432\u043A\u043C\u043D\u0442\u03B1\u03B2\u03B5\u03B6\u03B7\u03B9\u03BA\u03BC\u03BD\u03BF\u03C1\u03C4\u03C5\u03C701|";
    private static final String CONFUSABLE_TO = "aeopcyxijsdqwhlbkmhtabeznikmvoptuxoll";

    private DisplayName() {
    }

    /** The trimmed name, or a {@link RoomException} {@code invalid-name} saying what is wrong. */
    public static String validate(String raw) {
        if (raw == null || raw.isBlank()) {
            throw invalid("A display name is required.");
        }
        String name = raw.strip();
        if (name.codePointCount(0, name.length()) > MAX_LENGTH) {
            throw invalid("A display name can have at most " + MAX_LENGTH + " characters.");
        }
        if (name.codePoints().anyMatch(DisplayName::forbidden)) {
            throw invalid("A display name cannot contain control or text-direction characters.");
        }
        if (!VisibleText.shows(name)) {
            throw invalid("A display name needs at least one visible character.");
        }
        return name;
    }

    /**
     * {@code name}, or {@code name (2)}, {@code name (3)}, ... when someone here already has a name
     * that looks the same (see {@link #skeleton}): two people never show under one name.
     */
    public static String distinct(String name, Collection<String> taken) {
        Set<String> seen = taken.stream().map(DisplayName::skeleton).collect(Collectors.toSet());
        String candidate = name;
        for (int n = 2; seen.contains(skeleton(candidate)); n++) {
            candidate = name + " (" + n + ")";
        }
        return candidate;
    }

    /**
     * What a name looks like, roughly: compatibility forms folded, accents, invisible and format
     * characters and spaces dropped, look-alike letters mapped to Latin, lower case.
     */
    static String skeleton(String name) {
        StringBuilder out = new StringBuilder();
        Normalizer.normalize(name, Normalizer.Form.NFKD).toLowerCase(Locale.ROOT).codePoints().forEach(cp -> {
            int type = Character.getType(cp);
            if (type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK || type == Character.COMBINING_SPACING_MARK
                    || type == Character.FORMAT || Character.isWhitespace(cp) || Character.isSpaceChar(cp) || VisibleText.BLANK_LETTERS.contains(cp)) {
                return;
            }
            int at = cp < 0x10000 ? CONFUSABLE_FROM.indexOf(cp) : -1;
            out.appendCodePoint(at >= 0 ? CONFUSABLE_TO.charAt(at) : cp);
        });
        return out.toString();
    }

    // Control characters break layouts and logs; bidi controls let a name impersonate another.
    private static boolean forbidden(int cp) {
        int type = Character.getType(cp);
        return type == Character.CONTROL
                || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR
                || type == Character.UNASSIGNED
                || type == Character.SURROGATE
                || ChatText.isBidiControl(cp);
    }

    // Spaces, format characters (U+200B), combining marks alone (U+034F) and blank letters (U+3164) show nothing.

    private static RoomException invalid(String message) {
        return new RoomException("invalid-name", message);
    }
}
