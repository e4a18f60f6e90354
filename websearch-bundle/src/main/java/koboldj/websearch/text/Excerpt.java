package koboldj.websearch.text;

import java.text.BreakIterator;
import java.util.Locale;

/**
 * Cuts a page's text to a length a prompt can hold: from the sentence where the engine's snippet
 * begins (so the part the engine found relevant comes first), or from the top when the snippet is
 * not found, to the last whole sentence that fits. A sentence longer than the limit is cut at a
 * word and marked with an ellipsis.
 */
public final class Excerpt {
    private static final int PROBE_CHARS = 60;
    private static final int MIN_PROBE_CHARS = 12;

    private Excerpt() {
    }

    public static String of(String text, String snippet, int maxChars) {
        if (text.length() <= maxChars) {
            return text;
        }
        BreakIterator sentences = BreakIterator.getSentenceInstance(Locale.ROOT);
        sentences.setText(text);
        int start = sentenceStart(sentences, text, anchor(text, snippet));
        if (text.length() - start < maxChars) {
            // the snippet is near the end: take the last maxChars, from a sentence start
            int from = text.length() - maxChars;
            start = sentences.isBoundary(from) ? from : sentences.following(from);
        }
        int limit = start + maxChars;
        int end = limit >= text.length() ? text.length() : sentences.preceding(limit + 1);
        if (end > start) {
            return text.substring(start, end).strip();
        }
        int space = text.lastIndexOf(' ', limit);
        int cut = space > start ? space : limit;
        return text.substring(start, cut).strip() + "…";
    }

    /** Where the snippet's first words are in the text, or 0. */
    private static int anchor(String text, String snippet) {
        String probe = probe(snippet);
        if (probe.length() < MIN_PROBE_CHARS) {
            return 0;
        }
        String haystack = text.replace('\n', ' ').toLowerCase(Locale.ROOT);
        int at = haystack.indexOf(probe.toLowerCase(Locale.ROOT));
        return Math.max(at, 0);
    }

    /** The snippet's first words, without the ellipses engines put around fragments. */
    private static String probe(String snippet) {
        String words = snippet == null ? "" : snippet.replaceAll("\\s+", " ").replaceAll("^[\\s.…]+", "").strip();
        if (words.length() <= PROBE_CHARS) {
            return words.replaceAll("[\\s.…]+$", "");
        }
        int space = words.lastIndexOf(' ', PROBE_CHARS);
        return words.substring(0, space > MIN_PROBE_CHARS ? space : PROBE_CHARS);
    }

    private static int sentenceStart(BreakIterator sentences, String text, int at) {
        if (at <= 0) {
            return 0;
        }
        return sentences.isBoundary(at) ? at : Math.max(0, sentences.preceding(at));
    }
}
