package org.palaver.rooms.entity;

/**
 * Chat text as the room keeps and sends it: one line of plain text. Line breaks and tabs become
 * spaces (the page's input has one line, so only a hand-made client sends them, and a line break
 * could make the rest look like a message of its own, under another name); other control
 * characters (which JSON would send as six-byte escapes) and text-direction controls (which can
 * reverse what a link shows) are dropped.
 */
public final class ChatText {

    private ChatText() {
    }

    public static String clean(String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(cp -> {
            int type = Character.getType(cp);
            if (Character.isWhitespace(cp) && type != Character.SPACE_SEPARATOR) {
                out.append(' '); // \n, \r, \t, U+2028, U+2029 ...
            } else if (type != Character.CONTROL && !isBidiControl(cp)) {
                out.appendCodePoint(cp);
            }
        });
        return out.toString();
    }

    /** Embeddings, overrides, isolates and the direction marks (U+061C, U+200E, U+200F). */
    static boolean isBidiControl(int cp) {
        return cp == 0x061C || cp == 0x200E || cp == 0x200F
                || (cp >= 0x202A && cp <= 0x202E)
                || (cp >= 0x2066 && cp <= 0x2069);
    }
}
