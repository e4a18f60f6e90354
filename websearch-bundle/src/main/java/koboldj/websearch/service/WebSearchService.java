package koboldj.websearch.service;

import java.time.Duration;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import koboldj.api.websearch.SearchHit;
import koboldj.api.websearch.SearchResult;
import koboldj.api.websearch.WebSearch;

/**
 * KoboldCpp's web search: the engine's best hits for a query, each with the readable text of its
 * page, remembered for a while. Safe for many threads.
 */
final class WebSearchService implements WebSearch, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WebSearchService.class);
    /** Hits asked of the engine per result wanted, so skipped pages can be replaced. */
    private static final int HITS_PER_RESULT = 3;
    private static final int MAX_RESULTS = 10;

    private final SearchEngines engines;
    private final String preferredEngine;
    private final Duration engineTimeout;
    private final PageReader pages;
    private final RecentSearches<List<SearchResult>> recent;

    WebSearchService(SearchEngines engines, String preferredEngine, Duration engineTimeout, PageReader pages,
            RecentSearches<List<SearchResult>> recent) {
        this.engines = engines;
        this.preferredEngine = preferredEngine;
        this.engineTimeout = engineTimeout;
        this.pages = pages;
        this.recent = recent;
    }

    @Override
    public List<SearchResult> search(String query, int limit) {
        String words = SearchQuery.normalize(query);
        if (words.isEmpty()) {
            return List.of(); // as KoboldCpp answers an empty query
        }
        int wanted = Math.clamp(limit, 1, MAX_RESULTS);
        return recent.get(wanted + " " + words, () -> fresh(words, wanted), results -> !results.isEmpty());
    }

    private List<SearchResult> fresh(String words, int wanted) {
        long started = System.nanoTime();
        List<SearchHit> hits = engines.search(preferredEngine, words, wanted * HITS_PER_RESULT, engineTimeout);
        List<SearchResult> results = pages.read(hits, wanted);
        LOG.info("Web search: {} results from {} hits in {} ms", results.size(), hits.size(),
                (System.nanoTime() - started) / 1_000_000);
        return results;
    }

    @Override
    public void close() {
        pages.close();
    }
}
