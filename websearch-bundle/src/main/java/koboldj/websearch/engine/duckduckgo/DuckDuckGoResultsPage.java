package koboldj.websearch.engine.duckduckgo;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

import koboldj.api.websearch.SearchHit;

/**
 * Reads DuckDuckGo's HTML results page: each {@code .result} block (ads, {@code .result--ad},
 * left out) has its title link {@code a.result__a} and its snippet {@code .result__snippet}.
 */
final class DuckDuckGoResultsPage {

    private DuckDuckGoResultsPage() {
    }

    /**
     * The page's first {@code limit} hits; none when the page says it found nothing.
     *
     * @throws IOException when the page is not a results page (a captcha, an error page, a
     *                     changed layout): that is the engine failing, not an empty answer
     */
    static List<SearchHit> hits(Document page, URI address, int limit) throws IOException {
        List<Element> links = page.select("a.result__a");
        if (links.isEmpty()) {
            if (page.selectFirst(".no-results, #links, .results") != null) {
                return List.of();
            }
            throw new IOException("DuckDuckGo answered a page without a result list (a captcha or a changed page?)");
        }
        List<SearchHit> hits = new ArrayList<>();
        for (Element link : links) {
            Element result = link.closest(".result");
            if (result != null && result.hasClass("result--ad")) {
                continue;
            }
            Optional<String> target = ResultLink.target(address, link.attr("href"));
            if (target.isEmpty()) {
                continue;
            }
            Element snippet = result == null ? null : result.selectFirst(".result__snippet");
            String title = link.text().strip();
            hits.add(new SearchHit(title.isEmpty() ? target.get() : title, target.get(), snippet == null ? "" : snippet.text().strip()));
            if (hits.size() == limit) {
                break;
            }
        }
        return hits;
    }
}
