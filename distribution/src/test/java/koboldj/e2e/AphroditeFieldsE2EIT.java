package koboldj.e2e;

import static koboldj.e2e.PlatformE2EIT.error;
import static koboldj.e2e.PlatformE2EIT.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Aphrodite's request fields on /v1/completions with the real model: each one changes the answer
 * against the same request without it, and its bad values are a 400 naming it.
 */
class AphroditeFieldsE2EIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** "little" stood before "girl" after a long repeat of the opening, and before "dog" after a short one. */
    private static final String REPEATING = "Once upon a time, there was a little girl. She had a little dog. "
            + "Once upon a time, there was a little";
    private static ServerProcess server;

    @BeforeAll
    static void start() throws Exception {
        server = ServerProcess.withTextModel("--contextsize", "2048");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static ObjectNode greedy(String prompt, int maxTokens) {
        ObjectNode body = JSON.createObjectNode();
        body.put("prompt", prompt);
        body.put("max_tokens", maxTokens);
        body.put("temperature", 0);
        return body;
    }

    static JsonNode complete(ObjectNode body) throws Exception {
        return json(server.post("/v1/completions", body.toString()));
    }

    static String text(ObjectNode body) throws Exception {
        return complete(body).path("choices").get(0).path("text").asText();
    }

    static String refusedField(ObjectNode body) throws Exception {
        return error(server.post("/v1/completions", body.toString()), 400).path("error").path("param").asText();
    }

    /** A light DRY whose penalty grows fast with the repeat's length: the limits decide whether "girl" is hit. */
    private static ObjectNode dry() {
        ObjectNode body = greedy(REPEATING, 24);
        body.put("dry_multiplier", 0.05);
        body.put("dry_base", 4);
        return body;
    }

    @Test
    void dryLimitsBoundTheRepeatSearch() throws Exception {
        String unlimited = text(dry());
        assertNotEquals(text(greedy(REPEATING, 24)), unlimited, "DRY itself acts on this prompt");
        // the long repeat before "girl" counts as 3 tokens at most: a small penalty, "girl" comes back
        String shortNgrams = text(dry().put("dry_max_ngram", 2));
        assertEquals(text(greedy(REPEATING, 24)), shortNgrams);
        // only the latest place of "little" (before "dog") is searched, or the search stops there
        String latestOnly = text(dry().put("dry_max_occurrences", 1));
        assertNotEquals(unlimited, latestOnly);
        assertEquals(latestOnly, text(dry().put("dry_early_exit_match_len", 2)));
        for (String field : List.of("dry_max_ngram", "dry_max_occurrences", "dry_early_exit_match_len")) {
            assertEquals(field, refusedField(dry().put(field, 0)));
            assertEquals(field, refusedField(dry().put(field, "many")));
        }
    }
}
