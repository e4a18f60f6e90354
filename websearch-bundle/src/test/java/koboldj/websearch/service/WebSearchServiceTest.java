package koboldj.websearch.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Constants;

import koboldj.api.error.ApiException;
import koboldj.api.error.ErrorKind;
import koboldj.api.websearch.SearchEngine;
import koboldj.api.websearch.SearchHit;
import koboldj.api.websearch.SearchResult;
import koboldj.websearch.Fixtures;
import koboldj.websearch.LocalSite;
import koboldj.websearch.net.AddressPolicy;
import koboldj.websearch.net.FetchLimits;
import koboldj.websearch.net.OutboundFetcher;

/**
 * The web search with an engine that answers what each test needs, and result pages on a site on
 * 127.0.0.1. Hits on private, link-local and similar addresses are refused before any connection.
 */
class WebSearchServiceTest {
    private static final int CONCURRENT_FETCHES = 4;

    private final SearchEngines engines = new SearchEngines();
    private final AtomicInteger engineCalls = new AtomicInteger();
    private volatile List<SearchHit> hits = List.of();
    private LocalSite site;
    private WebSearchService strict;
    private WebSearchService allowingLocal;

    @BeforeEach
    void start() throws Exception {
        site = new LocalSite()
                .page("/article", "text/html; charset=utf-8", Fixtures.text("article.html"))
                .page("/second", "text/html", "<main><p>The second page. It is short.</p></main>")
                .page("/third", "text/plain", "Plain text page.")
                .page("/fourth", "text/html", "<p>Fourth.</p>")
                .page("/paper.pdf", "application/pdf", "%PDF-1.7 binary")
                .page("/huge", "text/html", "<p>" + "big ".repeat(100_000) + "</p>")
                .handle("/slow", exchange -> {
                    try {
                        Thread.sleep(5_000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                })
                .handle("/gone", exchange -> LocalSite.send(exchange, 404, "text/html", "Not found"))
                .slow("/busy", 100, "text/html", exchange -> "<p>" + exchange.getRequestURI().getQuery() + " answered.</p>")
                .handle("/trickle", exchange -> {
                    exchange.getResponseHeaders().add("Content-Type", "text/html");
                    exchange.sendResponseHeaders(200, 0);
                    try (OutputStream out = exchange.getResponseBody()) {
                        for (int i = 0; i < 100; i++) {
                            out.write("<p>x</p>".getBytes());
                            out.flush();
                            Thread.sleep(50);
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
        engines.addEngine((query, limit) -> {
            engineCalls.incrementAndGet();
            List<SearchHit> all = hits.stream().map(hit -> new SearchHit(hit.title(),
                    hit.url().replace("SITE", "http://127.0.0.1:" + site.port()).replace("QUERY", query.replace(' ', '+')),
                    hit.snippet())).toList();
            return all.subList(0, Math.min(limit, all.size()));
        }, Map.of(SearchEngine.NAME_PROPERTY, "fake", Constants.SERVICE_ID, 1L));
        strict = service(AddressPolicy.strict());
        allowingLocal = service(AddressPolicy.allowingLocal());
    }

    private WebSearchService service(AddressPolicy policy) {
        return service(policy, Duration.ofSeconds(1));
    }

    private WebSearchService service(AddressPolicy policy, Duration pageTimeout) {
        FetchLimits limits = new FetchLimits(pageTimeout, pageTimeout, 64 * 1024, CONCURRENT_FETCHES, 5,
                FetchLimits.USER_AGENT);
        return new WebSearchService(engines, "", Duration.ofSeconds(2), new PageReader(new OutboundFetcher(limits, policy, Set.of()),
                300), new RecentSearches<>(16, Duration.ofMinutes(10)));
    }

    @AfterEach
    void stop() {
        strict.close();
        allowingLocal.close();
        engines.deactivate();
        site.close();
    }

    private static SearchHit hit(String title, String path, String snippet) {
        return new SearchHit(title, path.startsWith("http") ? path : "SITE" + path, snippet);
    }

    @Test
    void answersTheTopResultsWithTheReadableTextOfTheirPages() {
        hits = List.of(hit("The Velvet Lighthouse", "/article", "In 1932 the tower was painted a deep red, which gave it ..."),
                hit("Second", "/second", "second"), hit("Third", "/third", "third"), hit("Fourth", "/fourth", "fourth"));
        List<SearchResult> results = allowingLocal.search("  velvet   lighthouse ", 3);
        assertEquals(List.of("The Velvet Lighthouse", "Second", "Third"), results.stream().map(SearchResult::title).toList());
        SearchResult article = results.getFirst();
        assertEquals("http://127.0.0.1:" + site.port() + "/article", article.url());
        assertEquals("In 1932 the tower was painted a deep red, which gave it ...", article.desc());
        assertTrue(article.content().startsWith("In 1932 the tower was painted a deep red"), article.content());
        assertTrue(article.content().length() <= 300 && article.content().endsWith("."), article.content());
        assertFalse(article.content().contains("cookies") || article.content().contains("Home"), article.content());
        assertEquals("The second page. It is short.", results.get(1).content());
        assertEquals("Plain text page.", results.get(2).content());
    }

    @Test
    void pagesThatMayNotOrCannotBeReadAreSkippedAndTheNextHitsTakeTheirPlace() {
        hits = List.of(hit("PDF", "/paper.pdf", ""), hit("Huge", "/huge", ""), hit("Bad scheme", "ftp://127.0.0.1/x", ""),
                hit("Second", "/second", ""), hit("Third", "/third", ""), hit("Fourth", "/fourth", ""));
        List<SearchResult> results = allowingLocal.search("skip", 3);
        assertEquals(List.of("Second", "Third", "Fourth"), results.stream().map(SearchResult::title).toList());
    }

    @Test
    void pagesThatFailToLoadKeepTheEnginesWordsWithoutContent() {
        hits = List.of(hit("Slow", "/slow", "slow snippet"), hit("Gone", "/gone", "gone snippet"),
                hit("Trickle", "/trickle", "trickle snippet"), hit("Down", "http://127.0.0.1:1/", "down snippet"));
        long started = System.nanoTime();
        List<SearchResult> results = allowingLocal.search("failing", 3);
        assertTrue(System.nanoTime() - started < Duration.ofSeconds(4).toNanos(), "never waits past the page timeout");
        assertEquals(List.of(new SearchResult("Slow", hits.get(0).url().replace("SITE", "http://127.0.0.1:" + site.port()), "slow snippet", ""),
                new SearchResult("Gone", "http://127.0.0.1:" + site.port() + "/gone", "gone snippet", ""),
                new SearchResult("Trickle", "http://127.0.0.1:" + site.port() + "/trickle", "trickle snippet", "")), results);
    }

    @Test
    void resultLinksToLocalAddressesAreSkippedWithoutAnyConnection() {
        hits = List.of(hit("Loopback", "/article", ""), hit("Loopback name", "http://localhost:" + site.port() + "/article", ""),
                hit("IPv6 loopback", "http://[::1]:" + site.port() + "/article", ""),
                hit("Private", "http://10.20.30.40/admin", ""), hit("Metadata", "http://169.254.169.254/latest/meta-data/", ""),
                hit("Mapped", "http://[::ffff:192.168.0.1]/", ""), hit("Unspecified", "http://0.0.0.0:" + site.port() + "/article", ""));
        assertEquals(List.of(), strict.search("ssrf", 3));
        assertEquals(List.of(), site.requests(), "no page was fetched");
    }

    @Test
    void anEmptyQueryFindsNothingAndAskedAgainASearchIsRemembered() {
        hits = List.of(hit("Second", "/second", ""));
        assertEquals(List.of(), allowingLocal.search(" \n ", 3));
        assertEquals(0, engineCalls.get());
        List<SearchResult> first = allowingLocal.search("remember me", 3);
        assertEquals(first, allowingLocal.search("remember   me", 3));
        assertEquals(1, engineCalls.get());
        assertEquals(1, site.requests().size());
    }

    @Test
    void engineFailuresReachTheCallerAsApiErrors() {
        engines.addEngine((query, limit) -> {
            throw new java.io.IOException("the engine is down");
        }, Map.of(SearchEngine.NAME_PROPERTY, "down", Constants.SERVICE_RANKING, 10, Constants.SERVICE_ID, 2L));
        ApiException down = assertThrows(ApiException.class, () -> allowingLocal.search("anything", 3));
        assertEquals(ErrorKind.UPSTREAM_FAILED, down.kind());
        assertEquals("The search engine down failed: the engine is down", down.getMessage());
    }

    @Test
    void twentySearchesAtOnceAllFinishWithinTheFetchBound() throws Exception {
        hits = List.of(hit("A", "/busy?QUERY-a", ""), hit("B", "/busy?QUERY-b", ""), hit("C", "/busy?QUERY-c", ""));
        ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor();
        // a page waits for its turn within its timeout: 60 pages of 100 ms, 4 at a time, need about 1.5 s
        WebSearchService patient = service(AddressPolicy.allowingLocal(), Duration.ofSeconds(10));
        long started = System.nanoTime();
        try {
            List<Future<List<SearchResult>>> searches = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                String query = "query " + i;
                searches.add(clients.submit(() -> patient.search(query, 3)));
            }
            for (int i = 0; i < 20; i++) {
                List<SearchResult> results = searches.get(i).get(30, TimeUnit.SECONDS);
                assertEquals(3, results.size());
                assertEquals("query+" + i + "-a answered.", results.getFirst().content());
            }
        } finally {
            clients.shutdownNow();
            patient.close();
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertEquals(60, site.requests().size());
        assertTrue(site.mostInFlight() <= CONCURRENT_FETCHES, "at most " + CONCURRENT_FETCHES + " pages at once, saw "
                + site.mostInFlight());
        assertTrue(millis < 15_000, "took " + millis + " ms");
    }
}
