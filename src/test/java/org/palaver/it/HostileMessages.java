package org.palaver.it;

import java.util.List;
import java.util.Random;

/**
 * Generates hostile signaling frames from a seed: valid messages of every kind, then mutated
 * (wrong types, missing and unknown fields, duplicate keys, huge numbers, unicode edge cases,
 * deep nesting, truncation, junk). Never a valid {@code leave}, and never a relay addressed to
 * anyone real, so each frame has exactly one visible outcome: a reply to the sender, or a
 * {@code media-state} at the others.
 */
final class HostileMessages {

    // No "leave": a leave with odd extra fields is still a real leave, which others rightly see.
    private static final String[] KINDS = {"join", "resume", "offer", "answer", "candidate", "media-state", "ping",
            "LEAVE", "joined", "error", "", "JOIN", "offer\u0000"};
    private static final String[] STRINGS = {"", " ", "nobody", "\\u0000", "\\ud800", "\\udfff\\ud800", "😀", "\\u202e",
            "a\\nb", "\\\"", "<script>alert(1)</script>", "x".repeat(300), "null", "true", "é".repeat(40)};
    private static final String[] NUMBERS = {"0", "-0", "1", "-1", "1e400", "-1e400", "123456789012345678901234567890",
            "0.5", "2147483648", "-2147483649", "1E2", "3.0"};

    private final Random random;
    private final String selfId;

    HostileMessages(long seed, String selfId) {
        this.random = new Random(seed);
        this.selfId = selfId;
    }

    /** A frame to send; null means "send a binary frame instead". */
    String next() {
        int pick = random.nextInt(100);
        if (pick < 2) {
            return null;
        }
        String valid = valid();
        if (pick < 10) {
            return valid;
        }
        if (pick < 15) {
            return junk();
        }
        if (pick < 20) {
            return valid.substring(0, random.nextInt(valid.length()));
        }
        if (pick < 24) {
            int depth = 1 + random.nextInt(2000);
            return "{\"type\":\"join\",\"name\":" + "[".repeat(depth) + "]".repeat(depth) + "}";
        }
        if (pick < 28) {
            return "{\"type\":\"" + pickKind() + "\"," + valid.substring(1);
        }
        return mutate(valid);
    }

    private String valid() {
        String to = random.nextBoolean() ? selfId : "nobody-" + random.nextInt(1000);
        return switch (random.nextInt(7)) {
            case 0 -> "{\"type\":\"join\",\"name\":\"Fuzz\"}";
            case 1 -> "{\"type\":\"resume\",\"token\":\"t" + random.nextInt() + "\"}";
            case 2 -> "{\"type\":\"offer\",\"to\":\"" + to + "\",\"sdp\":\"v=0\"}";
            case 3 -> "{\"type\":\"answer\",\"to\":\"" + to + "\",\"sdp\":\"v=0\"}";
            case 4 -> "{\"type\":\"candidate\",\"to\":\"" + to
                    + "\",\"candidate\":{\"candidate\":\"candidate:1 1 udp 1 10.0.0.1 9 typ host\",\"sdpMid\":\"0\",\"sdpMLineIndex\":0}}";
            case 5 -> "{\"type\":\"media-state\",\"audioMuted\":" + random.nextBoolean() + ",\"videoMuted\":" + random.nextBoolean() + "}";
            default -> "{\"type\":\"ping\"}";
        };
    }

    private String mutate(String valid) {
        // Replace one value (after a colon) with something of another shape.
        List<Integer> colons = new java.util.ArrayList<>();
        for (int i = 0; i < valid.length(); i++) {
            if (valid.charAt(i) == ':') {
                colons.add(i);
            }
        }
        int at = colons.get(random.nextInt(colons.size()));
        int end = valueEnd(valid, at + 1);
        String replaced = valid.substring(0, at + 1) + anyValue() + valid.substring(end);
        return random.nextInt(4) == 0 ? replaced.substring(0, replaced.length() - 1) + ",\"extra\":" + anyValue() + "}" : replaced;
    }

    private static int valueEnd(String s, int from) {
        int depth = 0;
        boolean inString = false;
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                if (depth == 0) {
                    return i;
                }
                depth--;
            } else if (c == ',' && depth == 0) {
                return i;
            }
        }
        return s.length();
    }

    private String anyValue() {
        return switch (random.nextInt(7)) {
            case 0 -> "\"" + STRINGS[random.nextInt(STRINGS.length)] + "\"";
            case 1 -> NUMBERS[random.nextInt(NUMBERS.length)];
            case 2 -> random.nextBoolean() ? "true" : "false";
            case 3 -> "null";
            case 4 -> "{\"__proto__\":{\"a\":" + NUMBERS[random.nextInt(NUMBERS.length)] + "}}";
            case 5 -> "[" + "\"" + STRINGS[random.nextInt(STRINGS.length)] + "\",1,{}]";
            default -> "\"" + pickKind() + "\"";
        };
    }

    private String pickKind() {
        return KINDS[random.nextInt(KINDS.length)];
    }

    private String junk() {
        StringBuilder b = new StringBuilder();
        int length = random.nextInt(200);
        for (int i = 0; i < length; i++) {
            b.append((char) (0x20 + random.nextInt(0x5F)));
        }
        return random.nextBoolean() ? b.toString() : "{" + b + "}";
    }
}
