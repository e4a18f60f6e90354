package koboldj.websearch.engine.searxng;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import koboldj.api.websearch.SearchHit;

/** Reads a SearXNG JSON answer: its {@code results[]}, each with {@code url}, {@code title} and {@code content}. */
final class SearxngResults {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SearxngResults() {
    }

    /**
     * The first {@code limit} results with an http or https address.
     *
     * @throws IOException when the answer is not JSON or has no {@code results} list
     */
    static List<SearchHit> hits(byte[] answer, int limit) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(answer);
        } catch (JacksonException e) {
            throw new IOException("SearXNG's answer is not JSON");
        }
        JsonNode results = root == null ? null : root.get("results");
        if (results == null || !results.isArray()) {
            throw new IOException("SearXNG's answer has no 'results' list");
        }
        List<SearchHit> hits = new ArrayList<>();
        for (JsonNode result : results) {
            String url = text(result, "url");
            String scheme = url.contains(":") ? url.substring(0, url.indexOf(':')).toLowerCase(Locale.ROOT) : "";
            if (!scheme.equals("http") && !scheme.equals("https")) {
                continue;
            }
            String title = text(result, "title");
            hits.add(new SearchHit(title.isEmpty() ? url : title, url, text(result, "content")));
            if (hits.size() == limit) {
                break;
            }
        }
        return hits;
    }

    private static String text(JsonNode result, String field) {
        JsonNode value = result.get(field);
        return value != null && value.isTextual() ? value.textValue().strip() : "";
    }
}
