package koboldj.e2e;

import static koboldj.e2e.PlatformE2EIT.error;
import static koboldj.e2e.PlatformE2EIT.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
    private static final Path PLUGIN = Path.of(System.getProperty("koboldj.testBundles", "target/test-bundles"))
            .resolve("koboldj.samplers.example.jar");
    private static final String ONCE = "Once upon a time";
    private static ServerProcess server;
    @TempDir
    static Path plugins;

    @BeforeAll
    static void start() throws Exception {
        // the example sampler plugin, which logits_processors names
        Files.copy(PLUGIN, plugins.resolve("sampler.jar"));
        server = ServerProcess.withTextModel("--contextsize", "2048", "--lanes", "4", "--bundles", plugins.toString());
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

    @Test
    void constraintObjectsAreTheFlatGuidedFields() throws Exception {
        ObjectNode regex = greedy(ONCE, 12);
        regex.putObject("structured_outputs").put("regex", "[0-9]{3}-[a-z]+");
        String constrained = text(regex);
        assertTrue(constrained.matches("[0-9]{3}-[a-z]*"), constrained);
        assertEquals(text(greedy(ONCE, 12).put("guided_regex", "[0-9]{3}-[a-z]+")), constrained);

        ObjectNode choice = greedy(ONCE, 12).put("guided_decoding_backend", "xgrammar");
        choice.putObject("guided_decoding").putArray("choice").add("dog").add("cat");
        String chosen = text(choice);
        assertTrue(chosen.equals("dog") || chosen.equals("cat"), chosen);
        ObjectNode flatChoice = greedy(ONCE, 12);
        flatChoice.putArray("guided_choice").add("dog").add("cat");
        assertEquals(text(flatChoice), chosen);

        ObjectNode grammar = greedy(ONCE, 12);
        grammar.putObject("structured_outputs").put("grammar", "root ::= \"yes\" | \"no\"");
        assertTrue(List.of("yes", "no").contains(text(grammar)));

        ObjectNode object = greedy(ONCE, 12);
        object.putObject("structured_outputs").put("json_object", true).put("backend", "outlines");
        assertTrue(text(object).startsWith("{"), "the text of any JSON object begins with {");
        assertTrue(text(greedy(ONCE, 12)).startsWith(","), "unconstrained it does not");

        assertEquals("structured_outputs", refusedField(greedy(ONCE, 4).put("structured_outputs", "[0-9]")));
        ObjectNode unknown = greedy(ONCE, 4);
        unknown.putObject("structured_outputs").put("bogus", 1);
        assertEquals("structured_outputs", refusedField(unknown));
        ObjectNode both = greedy(ONCE, 4).put("guided_regex", "[a-z]+");
        both.putObject("structured_outputs").put("regex", "[0-9]+");
        assertEquals("structured_outputs", refusedField(both));
        ObjectNode twice = greedy(ONCE, 4);
        twice.putObject("structured_outputs").put("regex", "[0-9]+");
        twice.putObject("guided_decoding").put("regex", "[0-9]+");
        assertEquals("guided_decoding", refusedField(twice));
        ObjectNode badRegex = greedy(ONCE, 4);
        badRegex.putObject("guided_decoding").put("regex", "(");
        assertEquals("guided_decoding", refusedField(badRegex));
        assertEquals("guided_decoding_backend", refusedField(greedy(ONCE, 4).put("guided_decoding_backend", "magic")));
    }

    @Test
    void logitsProcessorsRunTheNamedPluginWithExtraArgs() throws Exception {
        String plain = text(greedy(ONCE, 40));
        assertTrue(plain.contains("e"), plain);
        ObjectNode lipogram = greedy(ONCE, 40);
        lipogram.putArray("logits_processors").add("example_forbid");
        lipogram.putObject("extra_args").put("example_forbid", "e");
        String withoutE = text(lipogram);
        assertFalse(withoutE.isBlank());
        assertFalse(withoutE.contains("e"), withoutE);

        ObjectNode kwargs = greedy(ONCE, 40);
        kwargs.putArray("logits_processors").addObject().put("qualname", "example_forbid").putObject("kwargs")
                .put("example_forbid", "e");
        assertEquals(withoutE, text(kwargs));

        ObjectNode argsOnly = greedy(ONCE, 40);
        argsOnly.putObject("extra_args").put("example_forbid", "e");
        assertEquals(plain, text(argsOnly), "extra_args alone run no plugin");
        ObjectNode processorOnly = greedy(ONCE, 40);
        processorOnly.putArray("logits_processors").add("example_forbid");
        assertEquals(plain, text(processorOnly), "the plugin without its parameter leaves the text alone");

        // the KoboldAI route reads them as well
        ObjectNode kobold = JSON.createObjectNode().put("prompt", ONCE).put("max_length", 40).put("temperature", 0);
        kobold.putArray("logits_processors").add("example_forbid");
        kobold.putObject("extra_args").put("example_forbid", "e");
        String koboldText = json(server.post("/api/v1/generate", kobold.toString())).path("results").get(0).path("text").asText();
        assertFalse(koboldText.isBlank() || koboldText.contains("e"), koboldText);

        assertEquals("logits_processors", refusedField(greedy(ONCE, 4).put("logits_processors", "example_forbid")));
        ObjectNode missing = greedy(ONCE, 4);
        missing.putArray("logits_processors").add("not_installed");
        assertEquals("logits_processors", refusedField(missing));
        assertEquals("extra_args", refusedField(greedy(ONCE, 4).put("extra_args", 5)));
        ObjectNode clash = greedy(ONCE, 4).put("example_forbid", "a");
        clash.putObject("extra_args").put("example_forbid", "e");
        assertEquals("extra_args", refusedField(clash));
    }

    /** The "text" of each chunk of a streamed completion, in order (the finishing chunk's empty text left out). */
    private static List<String> streamedTexts(ObjectNode body) throws Exception {
        body.put("stream", true);
        var response = server.post("/v1/completions", body.toString());
        assertEquals(200, response.statusCode(), response.body());
        List<String> texts = new ArrayList<>();
        for (String line : response.body().split("\n")) {
            if (line.startsWith("data: {")) {
                JsonNode choice = JSON.readTree(line.substring(6)).path("choices").get(0);
                if (choice.path("finish_reason").isNull()) {
                    texts.add(choice.path("text").asText());
                }
            }
        }
        return texts;
    }

    @Test
    void outputKindShapesTheStream() throws Exception {
        // a text long enough that some chunks are written before the generation ends even on a busy machine;
        // pieces that piled up while the client read may come merged, so the cut between chunks can vary
        String longer = text(greedy(ONCE, 120));
        List<String> deltas = streamedTexts(greedy(ONCE, 120));
        assertEquals(longer, String.join("", deltas));
        List<String> named = streamedTexts(greedy(ONCE, 120).put("output_kind", "delta"));
        assertEquals(longer, String.join("", named));
        assertTrue(named.size() > 1);

        List<String> cumulative = streamedTexts(greedy(ONCE, 120).put("output_kind", "cumulative"));
        assertEquals(longer, cumulative.getLast());
        for (int i = 1; i < cumulative.size(); i++) {
            assertTrue(cumulative.get(i).startsWith(cumulative.get(i - 1)), "each chunk holds the text so far");
        }
        assertTrue(cumulative.size() > 1);

        assertEquals(List.of(longer), streamedTexts(greedy(ONCE, 120).put("output_kind", "final_only")));
        assertEquals(longer, text(greedy(ONCE, 120).put("output_kind", "final_only")), "a whole answer is final anyway");
        assertEquals("output_kind", refusedField(greedy(ONCE, 4).put("output_kind", "everything")));
        assertEquals("output_kind", refusedField(greedy(ONCE, 4).put("output_kind", 1)));
    }

    @Test
    void detokenizeFalseAnswersTokenIds() throws Exception {
        String whole = text(greedy(ONCE, 24));
        JsonNode choice = complete(greedy(ONCE, 24).put("detokenize", false)).path("choices").get(0);
        assertEquals("", choice.path("text").asText());
        assertEquals(24, choice.path("token_ids").size());
        ObjectNode ids = JSON.createObjectNode();
        ids.set("ids", choice.path("token_ids"));
        assertEquals(whole, json(server.post("/api/extra/detokenize", ids.toString())).path("result").asText());
        assertTrue(complete(greedy(ONCE, 24)).path("choices").get(0).path("token_ids").isMissingNode());

        assertEquals("detokenize", refusedField(greedy(ONCE, 4).put("detokenize", "no")));
        assertEquals("detokenize", refusedField(greedy(ONCE, 4).put("detokenize", false).put("stream", true)));
        assertEquals("detokenize", refusedField(greedy(ONCE, 4).put("detokenize", false).put("stop", ".")));
        assertEquals(whole, text(greedy(ONCE, 24).put("spaces_between_special_tokens", true)),
                "no special token is shown: nothing to space");
        assertEquals("spaces_between_special_tokens", refusedField(greedy(ONCE, 4).put("spaces_between_special_tokens", 1)));
        assertEquals("spaces_between_special_tokens", refusedField(greedy(ONCE, 4)
                .put("spaces_between_special_tokens", true).put("skip_special_tokens", false)));
    }

    @Test
    void deepConfEndsATraceWhoseConfidenceFalls() throws Exception {
        String whole = text(greedy(ONCE, 40));
        // no trace of this model is that confident: the first full window ends it
        ObjectNode sure = greedy(ONCE, 40).put("enable_deepconf", true).put("deepconf_threshold", 1000)
                .put("deepconf_window_size", 5);
        JsonNode choice = complete(sure).path("choices").get(0);
        assertEquals("stop", choice.path("finish_reason").asText());
        assertTrue(whole.startsWith(choice.path("text").asText()) && choice.path("text").asText().length() < whole.length());
        assertEquals(5, complete(sure).path("usage").path("completion_tokens").asInt());
        assertEquals(whole, text(greedy(ONCE, 40).put("deepconf_threshold", 1000).put("deepconf_window_size", 5)),
                "not enabled, it does nothing");

        for (String field : List.of("enable_deepconf", "deepconf_threshold", "deepconf_window_size")) {
            assertEquals(field, refusedField(greedy(ONCE, 4).put("enable_deepconf", true).put(field, "x")));
        }
        assertEquals("deepconf_window_size", refusedField(greedy(ONCE, 4).put("enable_deepconf", true)
                .put("deepconf_window_size", 0)));
    }

    /**
     * Four sampled traces with their top-5 logprobs: each ends exactly where the mean of its last
     * four tokens' confidences (the negative mean of those five logprobs) first falls below 3.5, so
     * the traces that lose confidence early end first; one that never falls runs to the length.
     */
    @Test
    void deepConfEndsEachTraceAtItsOwnFirstLowWindow() throws Exception {
        int window = 4;
        double threshold = 3.5;
        ObjectNode body = greedy(ONCE, 48).put("temperature", 1.0).put("seed", 7).put("n", 4).put("logprobs", 5)
                .put("enable_deepconf", true).put("deepconf_threshold", threshold).put("deepconf_window_size", window);
        List<Integer> lengths = new ArrayList<>();
        for (JsonNode choice : complete(body).path("choices")) {
            JsonNode tops = choice.path("logprobs").path("top_logprobs");
            List<Double> confidences = new ArrayList<>();
            for (JsonNode top : tops) {
                assertEquals(5, top.size(), "five alternatives with distinct texts");
                double sum = 0;
                for (JsonNode logprob : (Iterable<JsonNode>) top::elements) {
                    sum += logprob.asDouble();
                }
                confidences.add(-sum / 5);
            }
            int firstLow = -1;
            for (int end = window; end <= confidences.size() && firstLow < 0; end++) {
                double mean = confidences.subList(end - window, end).stream().mapToDouble(Double::doubleValue).sum() / window;
                if (mean < threshold) {
                    firstLow = end;
                }
            }
            if (firstLow > 0) {
                assertEquals("stop", choice.path("finish_reason").asText());
                assertEquals(firstLow, tops.size(), "it ended at its first low window");
            } else {
                assertEquals("length", choice.path("finish_reason").asText());
            }
            lengths.add(tops.size());
        }
        assertTrue(lengths.stream().distinct().count() > 1, "the traces end at their own times: " + lengths);
    }

    /** BeamSearchE2EIT runs the search; here, with a lane per slot (--lanes 4), beams of one request cannot share a context. */
    @Test
    void beamSearchFieldsAreRefusedNotIgnored() throws Exception {
        assertEquals("best_of", refusedField(greedy(ONCE, 4).put("use_beam_search", true).put("n", 2)));
        assertEquals("length_penalty", refusedField(greedy(ONCE, 4).put("length_penalty", 2.0)));
        assertEquals("early_stopping", refusedField(greedy(ONCE, 4).put("early_stopping", "never")));
        assertEquals(text(greedy(ONCE, 8)), text(greedy(ONCE, 8).put("use_beam_search", false).put("length_penalty", 1.0)
                .put("early_stopping", false)));
    }

    /** The chat route reads the same fields: a constraint object, token ids in place of the text. */
    @Test
    void theChatRouteTakesThemToo() throws Exception {
        ObjectNode chat = JSON.createObjectNode().put("max_tokens", 16).put("temperature", 0);
        chat.putArray("messages").addObject().put("role", "user").put("content", "Tell me a story.");
        ObjectNode choice = chat.deepCopy();
        choice.putObject("structured_outputs").putArray("choice").add("dog").add("cat");
        String content = json(server.post("/v1/chat/completions", choice.toString())).path("choices").get(0)
                .path("message").path("content").asText();
        assertTrue(List.of("dog", "cat").contains(content), content);
        JsonNode ids = json(server.post("/v1/chat/completions", chat.deepCopy().put("detokenize", false).toString()))
                .path("choices").get(0);
        assertEquals("", ids.path("message").path("content").asText());
        assertEquals(16, ids.path("token_ids").size());
        assertEquals("output_kind", error(server.post("/v1/chat/completions", chat.deepCopy().put("output_kind", "x")
                .toString()), 400).path("error").path("param").asText());
    }
}
