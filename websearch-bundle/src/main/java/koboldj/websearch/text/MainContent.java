package koboldj.websearch.text;

import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/**
 * Picks the element that holds a page's main text: the {@code main}, {@code article} or
 * {@code role=main} element with the most text, when it holds a fair share of the page's text
 * (a list of short article teasers does not); otherwise the whole body.
 */
final class MainContent {
    private static final String CANDIDATES = "main, article, [role=main], [itemprop=articleBody]";
    private static final int ENOUGH_CHARS = 500;
    private static final double ENOUGH_SHARE = 0.3;

    private MainContent() {
    }

    static Element of(Document page) {
        Element body = page.body();
        int bodyLength = body.text().length();
        Element best = null;
        int bestLength = 0;
        for (Element candidate : body.select(CANDIDATES)) {
            int length = candidate.text().length();
            if (length > bestLength) {
                best = candidate;
                bestLength = length;
            }
        }
        boolean enough = best != null && (bestLength >= ENOUGH_CHARS || bestLength >= ENOUGH_SHARE * bodyLength);
        return enough ? best : body;
    }
}
