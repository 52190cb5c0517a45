package org.palaver.rooms.entity;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A room's public name. 128 random bits, URL-safe base64 without padding (22 characters), so the
 * link itself is the only way into a room.
 */
public record RoomId(String value) {

    private static final Pattern FORMAT = Pattern.compile("[A-Za-z0-9_-]{22}");
    private static final SecureRandom RANDOM = new SecureRandom();

    public RoomId {
        if (value == null || !FORMAT.matcher(value).matches()) {
            throw new IllegalArgumentException("not a room id");
        }
    }

    public static RoomId random() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return new RoomId(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
    }

    /** Empty for anything that could not have been issued by {@link #random()}. */
    public static Optional<RoomId> parse(String text) {
        return text != null && FORMAT.matcher(text).matches() ? Optional.of(new RoomId(text)) : Optional.empty();
    }

    @Override
    public String toString() {
        return value;
    }
}
