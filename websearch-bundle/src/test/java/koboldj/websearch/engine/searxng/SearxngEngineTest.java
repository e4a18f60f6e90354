package koboldj.websearch.engine.searxng;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import koboldj.api.websearch.SearchHit;
import koboldj.websearch.LocalSite;
import koboldj.websearch.net.AddressPolicy;

/** The engine against a SearXNG-shaped JSON API on loopback: the operator's address, allowed though local. */
class SearxngEngineTest {

    @Test
    void asksSearchWithTheJsonFormatAndReadsTheResults() throws Exception {
        try (LocalSite site = new LocalSite()) {
            site.page("/searx/search", "application/json; charset=utf-8", SearxngResultsTest.ANSWER);
            try (SearxngEngine engine = new SearxngEngine(URI.create(site.uri("/searx/") + ""), Duration.ofSeconds(5),
                    AddressPolicy.strict())) {
                List<SearchHit> hits = engine.search("velvet lighthouse", 2);
                assertEquals(2, hits.size());
                assertEquals("https://heritage.example/velvet", hits.getFirst().url());
            }
            assertEquals("/searx/search?q=velvet+lighthouse&format=json", site.requests().getFirst().uri().toString());
        }
    }

    @Test
    void aSearxngWithoutTheJsonFormatSaysHowToTurnItOn() throws Exception {
        try (LocalSite site = new LocalSite()) {
            site.handle("/search", exchange -> LocalSite.send(exchange, 403, "text/html", "Forbidden"));
            try (SearxngEngine engine = new SearxngEngine(site.uri(""), Duration.ofSeconds(5), AddressPolicy.strict())) {
                IOException failure = assertThrows(IOException.class, () -> engine.search("q", 3));
                assertTrue(failure.getMessage().contains("add 'json' to search.formats"), failure.getMessage());
            }
        }
    }

    @Test
    void aRedirectAwayFromTheConfiguredAddressIsChecked() throws Exception {
        try (LocalSite site = new LocalSite(); LocalSite elsewhere = new LocalSite()) {
            elsewhere.page("/search", "application/json", SearxngResultsTest.ANSWER);
            site.redirect("/search", 302, elsewhere.uri("/search").toString());
            try (SearxngEngine engine = new SearxngEngine(site.uri(""), Duration.ofSeconds(5), AddressPolicy.strict())) {
                IOException failure = assertThrows(IOException.class, () -> engine.search("q", 3));
                assertTrue(failure.getMessage().contains("is a loopback address"), failure.getMessage());
            }
            assertEquals(List.of(), elsewhere.requests());
        }
    }
}
