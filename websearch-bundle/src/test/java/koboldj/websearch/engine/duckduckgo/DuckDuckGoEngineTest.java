package koboldj.websearch.engine.duckduckgo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import koboldj.api.websearch.SearchHit;
import koboldj.websearch.LocalSite;
import koboldj.websearch.net.FetchException;
import koboldj.websearch.net.FetchFailure;

/** The engine against a copy of DuckDuckGo's HTML page served on loopback, its configured (trusted) address. */
class DuckDuckGoEngineTest {

    @Test
    void asksItsPageWithTheQueryAndReadsTheHits() throws Exception {
        try (LocalSite site = new LocalSite()) {
            site.page("/html/", "text/html; charset=UTF-8", DuckDuckGoResultsPageTest.resultsPage("https://a.example/",
                    "https://b.example/", "https://c.example/", "https://d.example/"));
            DuckDuckGoEngine engine = new DuckDuckGoEngine(site.uri("/html/"), Duration.ofSeconds(5));
            try {
                List<SearchHit> hits = engine.search("velvet lighthouse & more", 3);
                assertEquals(List.of("https://a.example/", "https://b.example/", "https://c.example/"),
                        hits.stream().map(SearchHit::url).toList());
            } finally {
                engine.close();
            }
            LocalSite.HttpExchangeRecord request = site.requests().getFirst();
            assertEquals("/html/?q=velvet+lighthouse+%26+more", request.uri().toString());
            assertTrue(request.userAgent().contains("koboldj"), request.userAgent());
        }
    }

    @Test
    void aDownOrSlowOrStrangeEngineFailsWithAReason() throws Exception {
        try (LocalSite site = new LocalSite()) {
            site.handle("/slow/", exchange -> {
                try {
                    Thread.sleep(5_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }).page("/captcha/", "text/html", "<form id=\"challenge-form\">Are you a robot?</form>")
                    .handle("/error/", exchange -> LocalSite.send(exchange, 503, "text/html", "busy"));
            for (String path : List.of("/slow/", "/captcha/", "/error/")) {
                DuckDuckGoEngine engine = new DuckDuckGoEngine(site.uri(path), Duration.ofMillis(700));
                try {
                    IOException failure = assertThrows(IOException.class, () -> engine.search("q", 3), path);
                    if (path.equals("/slow/")) {
                        assertEquals(FetchFailure.TIMEOUT, ((FetchException) failure).failure());
                    }
                } finally {
                    engine.close();
                }
            }
        }
    }
}
