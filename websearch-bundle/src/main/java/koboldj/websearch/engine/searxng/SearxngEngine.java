package koboldj.websearch.engine.searxng;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import koboldj.api.websearch.SearchEngine;
import koboldj.api.websearch.SearchHit;
import koboldj.websearch.net.AddressPolicy;
import koboldj.websearch.net.FetchException;
import koboldj.websearch.net.FetchFailure;
import koboldj.websearch.net.FetchLimits;
import koboldj.websearch.net.FetchedPage;
import koboldj.websearch.net.Origin;
import koboldj.websearch.net.OutboundFetcher;

/**
 * Searches with a SearXNG instance (--websearchurl), through its JSON API:
 * {@code URL/search?q=QUERY&format=json}. The instance's address is the operator's and always
 * allowed, loopback or private; a redirect elsewhere is checked like any page address.
 */
final class SearxngEngine implements SearchEngine, AutoCloseable {
    private static final long MAX_ANSWER_BYTES = 4L * 1024 * 1024;

    private final URI base;
    private final OutboundFetcher fetcher;

    SearxngEngine(URI base, Duration timeout, AddressPolicy redirects) {
        String text = base.toString();
        this.base = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
        FetchLimits limits = new FetchLimits(timeout, timeout, MAX_ANSWER_BYTES, 8, 3, FetchLimits.USER_AGENT);
        this.fetcher = new OutboundFetcher(limits, redirects, Set.of(Origin.of(base)));
    }

    @Override
    public List<SearchHit> search(String query, int limit) throws IOException {
        URI address = URI.create(base + "/search?q=" + URLEncoder.encode(query, StandardCharsets.UTF_8) + "&format=json");
        FetchedPage answer;
        try {
            answer = fetcher.fetch(address, "application/json", type -> type.equals("application/json") || type.endsWith("+json"));
        } catch (FetchException e) {
            if (e.failure() == FetchFailure.HTTP_ERROR && e.status() == 403) {
                throw new IOException("SearXNG at " + base + " refused the JSON format: add 'json' to search.formats in its settings.yml");
            }
            throw e;
        }
        return SearxngResults.hits(answer.body(), limit);
    }

    @Override
    public void close() {
        fetcher.close();
    }
}
