package koboldj.websearch.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import koboldj.api.error.ApiException;
import koboldj.api.error.ErrorKind;
import koboldj.api.websearch.SearchResult;

class WebSearchResourceTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ApiException refused(String body) {
        return assertThrows(ApiException.class, () -> WebSearchResource.query(body == null ? null : JSON.readTree(body)));
    }

    @Test
    void passesTheQueryAndAsksForKoboldCppsThreeResults() throws Exception {
        List<SearchResult> answer = List.of(new SearchResult("t", "https://x.example/", "d", "c"));
        WebSearchResource resource = new WebSearchResource((query, limit) -> {
            assertEquals("velvet lighthouse", query);
            assertEquals(3, limit);
            return answer;
        });
        assertEquals(answer, resource.search(JSON.readTree("{\"q\": \"velvet lighthouse\", \"other\": 1}")));
        assertEquals("{\"title\":\"t\",\"url\":\"https://x.example/\",\"desc\":\"d\",\"content\":\"c\"}",
                JSON.writeValueAsString(answer.getFirst()), "KoboldCpp's field names, in its order");
    }

    @Test
    void theQueryMustBeAString() {
        assertEquals("q", refused("{}").param());
        assertEquals("'q' must be a string, not number.", refused("{\"q\": 5}").getMessage());
        assertEquals(ErrorKind.BAD_REQUEST, refused("[\"q\"]").kind());
        assertEquals(ErrorKind.BAD_REQUEST, refused(null).kind());
    }
}
