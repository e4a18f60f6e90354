package koboldj.websearch.engine.searxng;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import koboldj.api.websearch.SearchHit;

class SearxngResultsTest {
    static final String ANSWER = """
            {"query": "velvet lighthouse", "number_of_results": 0,
             "results": [
               {"url": "https://heritage.example/velvet", "title": "The Velvet Lighthouse", "content": "Painted red in 1932.",
                "engine": "bing", "parsed_url": ["https", "heritage.example", "/velvet", "", "", ""], "engines": ["bing"],
                "positions": [1], "score": 1.0, "category": "general"},
               {"url": "magnet:?xt=urn:btih:abc", "title": "A torrent", "content": ""},
               {"url": "http://travel.example/ostmark", "title": "", "content": null},
               {"url": "https://third.example/", "title": "Third", "content": "Three."},
               {"url": "https://fourth.example/", "title": "Fourth", "content": "Four."}
             ],
             "answers": [], "corrections": [], "infoboxes": [], "suggestions": ["velvet lighthouse museum"],
             "unresponsive_engines": []}
            """;

    private static List<SearchHit> hits(String json, int limit) throws IOException {
        return SearxngResults.hits(json.getBytes(StandardCharsets.UTF_8), limit);
    }

    @Test
    void readsUrlTitleAndContentOfHttpResults() throws IOException {
        List<SearchHit> hits = hits(ANSWER, 3);
        assertEquals(List.of(new SearchHit("The Velvet Lighthouse", "https://heritage.example/velvet", "Painted red in 1932."),
                new SearchHit("http://travel.example/ostmark", "http://travel.example/ostmark", ""),
                new SearchHit("Third", "https://third.example/", "Three.")), hits);
        assertEquals(List.of(), hits("{\"results\": []}", 3));
    }

    @Test
    void anAnswerThatIsNotSearxngJsonIsAFailure() {
        assertEquals("SearXNG's answer is not JSON",
                assertThrows(IOException.class, () -> hits("<html>not json</html>", 3)).getMessage());
        assertEquals("SearXNG's answer has no 'results' list",
                assertThrows(IOException.class, () -> hits("{\"error\": \"x\"}", 3)).getMessage());
        assertThrows(IOException.class, () -> hits("[1, 2]", 3));
        assertThrows(IOException.class, () -> hits("{\"results\": {\"url\": \"x\"}}", 3));
    }
}
