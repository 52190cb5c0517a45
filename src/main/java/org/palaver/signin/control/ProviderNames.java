package org.palaver.signin.control;

import java.util.Optional;
import org.palaver.platform.VisibleText;

/**
 * The display name of a signed-in person, from their ID token: {@code name}, else
 * {@code preferred_username}, else the subject. Control, format and line-break characters are
 * dropped and the name cut to what a room shows (64 characters), because the provider's
 * directory, not the person, chose it: it must never be refused at the door.
 */
public final class ProviderNames {

    public static final int MAX_LENGTH = 64;

    private ProviderNames() {
    }

    public static String choose(Optional<String> name, Optional<String> preferredUsername, String subject) {
        // The room's own rule for what shows: a name it would refuse is never chosen.
        return name.map(ProviderNames::clean).filter(VisibleText::shows)
                .or(() -> preferredUsername.map(ProviderNames::clean).filter(VisibleText::shows))
                .orElseGet(() -> {
                    String fromSubject = clean(subject == null ? "" : subject);
                    return VisibleText.shows(fromSubject) ? fromSubject : "Member";
                });
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
