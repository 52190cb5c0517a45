package org.palaver.platform;

import java.util.Set;

/** What shows when a name is drawn: one rule for names people type and names a directory gives. */
public final class VisibleText {

    /** Letters that render blank: a name of only these looks empty (or like someone else's with spaces). */
    public static final Set<Integer> BLANK_LETTERS = Set.of(0x115F, 0x1160, 0x3164, 0xFFA0, 0x2800, 0x17B4, 0x17B5);

    private VisibleText() {
    }

    /** Whether the code point draws something: not a space, format character, combining mark or blank letter. */
    public static boolean visible(int cp) {
        int type = Character.getType(cp);
        return !(Character.isWhitespace(cp) || Character.isSpaceChar(cp)
                || type == Character.FORMAT
                || type == Character.NON_SPACING_MARK
                || type == Character.ENCLOSING_MARK
                || type == Character.COMBINING_SPACING_MARK
                || BLANK_LETTERS.contains(cp));
    }

    /** Whether anything in {@code text} draws. */
    public static boolean shows(String text) {
        return text.codePoints().anyMatch(VisibleText::visible);
    }
}
