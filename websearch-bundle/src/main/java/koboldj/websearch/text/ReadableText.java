package koboldj.websearch.text;

import org.jsoup.nodes.Document;

/** The readable text of an HTML page: its main content without page furniture, as lines of plain text. */
public final class ReadableText {

    private ReadableText() {
    }

    /** The text of {@code page}; changes the document (furniture is removed from it). */
    public static String of(Document page) {
        if (page.body() == null) {
            return "";
        }
        Boilerplate.remove(page.body());
        return PlainText.of(MainContent.of(page));
    }
}
