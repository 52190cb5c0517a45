package org.palaver.rooms.entity;

/** Rules for the name a person types before joining; everything else about them the server assigns. */
public final class DisplayName {

    public static final int MAX_LENGTH = 64;

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
        return name;
    }

    // Control characters break layouts and logs; bidi overrides let a name impersonate another.
    private static boolean forbidden(int cp) {
        int type = Character.getType(cp);
        return type == Character.CONTROL
                || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR
                || type == Character.UNASSIGNED
                || type == Character.SURROGATE
                || (cp >= 0x202A && cp <= 0x202E)
                || (cp >= 0x2066 && cp <= 0x2069);
    }

    private static RoomException invalid(String message) {
        return new RoomException("invalid-name", message);
    }
}
