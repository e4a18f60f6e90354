package koboldj.websearch.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Constants;

import koboldj.api.error.ApiException;
import koboldj.api.error.ErrorKind;
import koboldj.api.websearch.SearchEngine;
import koboldj.api.websearch.SearchHit;

class SearchEnginesTest {
    private final SearchEngines engines = new SearchEngines();

    @AfterEach
    void stop() {
        engines.deactivate();
    }

    private static SearchEngine answering(String url) {
        return (query, limit) -> List.of(new SearchHit(query, url, ""));
    }

    private void install(String name, int ranking, long id, SearchEngine engine) {
        engines.addEngine(engine, Map.of(SearchEngine.NAME_PROPERTY, name, Constants.SERVICE_RANKING, ranking, Constants.SERVICE_ID, id));
    }

    private ApiException failure(String preferred, Duration timeout) {
        return assertThrows(ApiException.class, () -> engines.search(preferred, "q", 3, timeout));
    }

    @Test
    void thePreferredEngineOrElseTheHighestRanked() {
        install("duckduckgo", 0, 1, answering("https://ddg.example/"));
        install("searxng", 10, 2, answering("https://searx.example/"));
        install("plugin", 0, 3, answering("https://plugin.example/"));
        assertEquals(List.of("searxng", "duckduckgo", "plugin"), engines.names());
        assertEquals("https://searx.example/", engines.search("", "q", 3, Duration.ofSeconds(1)).getFirst().url());
        assertEquals("https://plugin.example/", engines.search("plugin", "q", 3, Duration.ofSeconds(1)).getFirst().url());
        ApiException missing = failure("bing", Duration.ofSeconds(1));
        assertEquals(ErrorKind.CAPABILITY_MISSING, missing.kind());
        assertTrue(missing.getMessage().contains("'bing'"), missing.getMessage());
    }

    @Test
    void noEngineIsAMissingCapability() {
        assertEquals(ErrorKind.CAPABILITY_MISSING, failure("", Duration.ofSeconds(1)).kind());
        SearchEngine engine = answering("https://x.example/");
        install("only", 0, 1, engine);
        engines.removeEngine(engine);
        assertEquals(ErrorKind.CAPABILITY_MISSING, failure("", Duration.ofSeconds(1)).kind());
    }

    @Test
    void aSlowEngineIsGivenUpOnAtItsTimeout() {
        install("slow", 0, 1, (query, limit) -> {
            try {
                Thread.sleep(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return List.of();
        });
        long started = System.nanoTime();
        ApiException slow = failure("", Duration.ofMillis(300));
        assertEquals(ErrorKind.UPSTREAM_TIMEOUT, slow.kind());
        assertEquals(504, slow.kind().status());
        assertTrue(System.nanoTime() - started < Duration.ofSeconds(2).toNanos());
    }

    @Test
    void aFailingOrBrokenEngineIsABadGateway() {
        install("down", 5, 1, (query, limit) -> {
            throw new IOException("127.0.0.1 could not be reached: Connection refused");
        });
        ApiException down = failure("", Duration.ofSeconds(1));
        assertEquals(ErrorKind.UPSTREAM_FAILED, down.kind());
        assertEquals("The search engine down failed: 127.0.0.1 could not be reached: Connection refused", down.getMessage());
        install("buggy", 0, 2, (query, limit) -> {
            throw new IllegalStateException("a bug");
        });
        ApiException buggy = failure("buggy", Duration.ofSeconds(1));
        assertEquals(ErrorKind.UPSTREAM_FAILED, buggy.kind());
        assertTrue(!buggy.getMessage().contains("IllegalStateException"), buggy.getMessage());
        install("nothing", 0, 3, (query, limit) -> null);
        assertEquals(List.of(), engines.search("nothing", "q", 3, Duration.ofSeconds(1)));
    }
}
