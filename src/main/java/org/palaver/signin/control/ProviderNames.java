package org.palaver.signin.control;

import java.util.Optional;

/**
 * The display name of a signed-in person, from their ID token: {@code name}, else
 * {@code preferred_username}, else the subject. Control, format and line-break characters are
 * dropped and the name cut to what a room shows (64 characters), because the provider's
 * directory, not the person, chose it: it must never be refused at the door.
 */
public final class ProviderNames {

    public static final int MAX_LENGTH = 64;
    /** Letters that render blank (the same list the room's own name check uses). */
    private static final java.util.Set<Integer> BLANK = java.util.Set.of(0x115F, 0x1160, 0x3164, 0xFFA0, 0x2800, 0x17B4, 0x17B5);

    private ProviderNames() {
    }

    public static String choose(Optional<String> name, Optional<String> preferredUsername, String subject) {
        return name.map(ProviderNames::clean).filter(ProviderNames::shows)
                .or(() -> preferredUsername.map(ProviderNames::clean).filter(ProviderNames::shows))
                .orElseGet(() -> {
                    String fromSubject = clean(subject == null ? "" : subject);
                    return shows(fromSubject) ? fromSubject : "Member";
                });
    }

    /** At least one letter, digit, punctuation mark or symbol that is not a blank-looking filler letter. */
    private static boolean shows(String name) {
        return name.codePoints().anyMatch(c -> !BLANK.contains(c) && (Character.isLetterOrDigit(c)
                || Character.getType(c) >= Character.DASH_PUNCTUATION && Character.getType(c) <= Character.OTHER_SYMBOL
                || Character.getType(c) == Character.CONNECTOR_PUNCTUATION || Character.getType(c) == Character.OTHER_PUNCTUATION));
    }

    static String clean(String raw) {
        StringBuilder kept = new StringBuilder();
        raw.codePoints().filter(c -> !dropped(c)).forEach(kept::appendCodePoint);
        String name = kept.toString().strip().replaceAll("\\s+", " ");
        if (name.codePointCount(0, name.length()) > MAX_LENGTH) {
            name = name.substring(0, name.offsetByCodePoints(0, MAX_LENGTH)).strip();
        }
        return name;
    }

    private static boolean dropped(int c) {
        int type = Character.getType(c);
        return type == Character.CONTROL || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR || type == Character.PRIVATE_USE || type == Character.UNASSIGNED
                || type == Character.SURROGATE;
    }
}
