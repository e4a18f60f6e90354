package koboldj.websearch.service;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import koboldj.api.websearch.SearchHit;
import koboldj.api.websearch.SearchResult;
import koboldj.websearch.net.FetchException;
import koboldj.websearch.net.OutboundFetcher;
import koboldj.websearch.text.Excerpt;
import koboldj.websearch.text.PageText;

/**
 * Turns an engine's hits into results by reading their pages, several at once. A hit whose page
 * may not be read (an address the policy refuses, not http or https), is not HTML or text, or is
 * larger than the cap is skipped and the next hit takes its place; a hit whose page could not be
 * loaded (down, slow, an error status) keeps the engine's title and snippet with no content, as
 * KoboldCpp answers then.
 */
final class PageReader implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PageReader.class);

    private final OutboundFetcher fetcher;
    private final int contentChars;
    private final ExecutorService readers = Executors.newVirtualThreadPerTaskExecutor();

    PageReader(OutboundFetcher fetcher, int contentChars) {
        this.fetcher = fetcher;
        this.contentChars = contentChars;
    }

    /** Up to {@code wanted} results, in the engine's order. */
    List<SearchResult> read(List<SearchHit> hits, int wanted) {
        List<SearchHit> candidates = distinct(hits);
        List<SearchResult> results = new ArrayList<>();
        int next = 0;
        while (results.size() < wanted && next < candidates.size()) {
            // one wave: as many pages as results are still missing, read side by side
            int take = Math.min(wanted - results.size(), candidates.size() - next);
            List<Future<Optional<SearchResult>>> wave = new ArrayList<>();
            for (SearchHit hit : candidates.subList(next, next + take)) {
                wave.add(readers.submit(() -> read(hit)));
            }
            next += take;
            for (Future<Optional<SearchResult>> page : wave) {
                await(page).ifPresent(results::add);
            }
        }
        return results;
    }

    private Optional<SearchResult> await(Future<Optional<SearchResult>> page) {
        try {
            // the fetch ends itself at its timeout; the margin covers the parsing
            return page.get(fetcher.limits().timeout().toMillis() + 5_000, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            page.cancel(true);
            LOG.warn("Reading a result page failed: {}", e.toString());
            return Optional.empty();
        } catch (InterruptedException e) {
            page.cancel(true);
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private Optional<SearchResult> read(SearchHit hit) {
        URI address;
        try {
            address = new URI(hit.url());
        } catch (URISyntaxException e) {
            LOG.info("Web search skipped a result with an unusable address: {}", hit.url());
            return Optional.empty();
        }
        try {
            String text = PageText.of(fetcher.fetch(address, PageText.ACCEPT, PageText::readable));
            return Optional.of(result(hit, Excerpt.of(text, hit.snippet(), contentChars)));
        } catch (FetchException e) {
            return switch (e.failure()) {
                case REFUSED, UNSUPPORTED_TYPE, TOO_LARGE -> {
                    LOG.info("Web search skipped a result: {}", e.getMessage());
                    yield Optional.empty();
                }
                case TIMEOUT, HTTP_ERROR, UNREACHABLE -> {
                    LOG.info("Web search could not read a result page: {}", e.getMessage());
                    yield Optional.of(result(hit, ""));
                }
            };
        } catch (IOException | RuntimeException e) {
            LOG.info("Web search could not read the page {}: {}", hit.url(), e.toString());
            return Optional.of(result(hit, ""));
        }
    }

    private static SearchResult result(SearchHit hit, String content) {
        return new SearchResult(hit.title(), hit.url(), hit.snippet(), content);
    }

    private static List<SearchHit> distinct(List<SearchHit> hits) {
        Map<String, SearchHit> byUrl = new LinkedHashMap<>();
        for (SearchHit hit : hits) {
            if (hit != null && hit.url() != null) {
                byUrl.putIfAbsent(hit.url(), new SearchHit(hit.title() == null ? hit.url() : hit.title(), hit.url(),
                        hit.snippet() == null ? "" : hit.snippet()));
            }
        }
        return List.copyOf(byUrl.values());
    }

    @Override
    public void close() {
        readers.shutdownNow();
        fetcher.close();
    }
}
