package koboldj.audio.tts;

import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Cuts text into the pieces spoken one after another: sentences (the JDK's sentence boundaries, which
 * know abbreviations no better than a full stop but keep "3.14" and "e.g. this" in one piece more
 * often than a regular expression), each cut again at a space when it is longer than
 * {@code maxPieceChars}, so that text without punctuation still streams.
 */
public final class SentenceSplitter {
    private final int maxPieceChars;

    public SentenceSplitter(int maxPieceChars) {
        if (maxPieceChars < 1) {
            throw new IllegalArgumentException("maxPieceChars must be positive");
        }
        this.maxPieceChars = maxPieceChars;
    }

    /** The pieces, trimmed, none blank, in order; their words are all the words of {@code text}. */
    public List<String> split(String text) {
        List<String> pieces = new ArrayList<>();
        BreakIterator sentences = BreakIterator.getSentenceInstance(Locale.ROOT);
        sentences.setText(text);
        int start = sentences.first();
        for (int end = sentences.next(); end != BreakIterator.DONE; start = end, end = sentences.next()) {
            for (String line : text.substring(start, end).split("\\R\\s*\\R")) { // a blank line ends a piece too
                addCut(line.strip(), pieces);
            }
        }
        return pieces;
    }

    private void addCut(String sentence, List<String> pieces) {
        String rest = sentence;
        while (rest.length() > maxPieceChars) {
            int cut = rest.lastIndexOf(' ', maxPieceChars);
            if (cut <= 0) {
                cut = maxPieceChars;
                if (Character.isHighSurrogate(rest.charAt(cut - 1))) {
                    cut--;
                }
            }
            String piece = rest.substring(0, cut).strip();
            if (!piece.isEmpty()) {
                pieces.add(piece);
            }
            rest = rest.substring(cut).strip();
        }
        if (!rest.isBlank()) {
            pieces.add(rest);
        }
    }
}
