package koboldj.text.llama;

/**
 * Cuts the front or the end off a text by its UTF-8 size, without reading more of it than the
 * part it keeps, so that a text of megabytes costs no more than the cut.
 *
 * <p>A cut falls on a character boundary (never inside a surrogate pair), and where a space or
 * line break is near it moves there, to where tokenizers begin a word anyway; the kept part only
 * grows by that move, never shrinks below {@code bytes}.
 */
final class TextCut {
    /** How far (in chars) a cut may move to reach whitespace. */
    private static final int WORD_SEARCH = 64;

    private TextCut() {
    }

    /** The shortest end of {@code text} holding at least {@code bytes} UTF-8 bytes, or all of it. */
    static String last(String text, long bytes) {
        long counted = 0;
        int start = text.length();
        while (start > 0 && counted < bytes) {
            char c = text.charAt(start - 1);
            if (Character.isLowSurrogate(c) && start >= 2 && Character.isHighSurrogate(text.charAt(start - 2))) {
                counted += 4;
                start -= 2;
            } else {
                counted += utf8Length(c);
                start--;
            }
        }
        if (start == 0) {
            return text;
        }
        // the end begins with that whitespace, so a word is never split at the cut
        for (int i = start - 1; i >= Math.max(0, start - WORD_SEARCH); i--) {
            if (Character.isWhitespace(text.charAt(i))) {
                return text.substring(i);
            }
        }
        return text.substring(start);
    }

    /** The shortest front of {@code text} holding at least {@code bytes} UTF-8 bytes, or all of it. */
    static String first(String text, long bytes) {
        long counted = 0;
        int end = 0;
        while (end < text.length() && counted < bytes) {
            char c = text.charAt(end);
            if (Character.isHighSurrogate(c) && end + 1 < text.length() && Character.isLowSurrogate(text.charAt(end + 1))) {
                counted += 4;
                end += 2;
            } else {
                counted += utf8Length(c);
                end++;
            }
        }
        if (end == text.length()) {
            return text;
        }
        for (int i = end; i < Math.min(text.length(), end + WORD_SEARCH); i++) {
            if (Character.isWhitespace(text.charAt(i))) {
                return text.substring(0, i);
            }
        }
        return text.substring(0, end);
    }

    /** A lone surrogate becomes '?' (1 byte) in UTF-8; counting it as 3 only makes the cut longer. */
    private static int utf8Length(char c) {
        return c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
    }
}
