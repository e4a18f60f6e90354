package koboldj.e2e;

import static koboldj.e2e.PlatformE2EIT.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import koboldj.testing.gguf.LlamaShape;
import koboldj.testing.gguf.RandomLlamaModel;

/**
 * KoboldCpp's --draftmodel and --draftamount on a real server, the test model drafting for itself:
 * greedy texts are those of a server without a draft, for several clients at once; an abort in the
 * middle of a stream leaves the slot serving; and bad values are refused at start.
 */
class SpeculativeDecodingE2EIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * More than the four slots, so some wait for a slot. Tokens the main model verified in a batch
     * get KV that differs from a one-token decode's in the last bits, which can swap two tokens
     * whose logits are within about 1e-4 ("Lily and her mom went to the" meets one such tie at its
     * 40th token); these prompts meet none in their first 150 tokens.
     */
    private static final List<String> PROMPTS = List.of("Once upon a time", "Tom had a big red ball and",
            "The sun was shining and the birds", "One day a small dog found a", "The cat sat on the mat and",
            "A little bird flew over the");
    private static ServerProcess drafted;

    @BeforeAll
    static void start() throws Exception {
        drafted = ServerProcess.withTextModel("--contextsize", "1024", "--parallel", "4", "--draftmodel", TestModel.path(),
                "--draftamount", "6");
    }

    @AfterAll
    static void stop() {
        if (drafted != null) {
            drafted.close();
        }
    }

    private static String greedy(String prompt, int length) {
        ObjectNode body = JSON.createObjectNode();
        body.put("prompt", prompt);
        body.put("max_length", length);
        body.put("temperature", 0);
        body.put("top_k", 1);
        body.put("rep_pen", 1.0);
        return body.toString();
    }

    private static String generate(ServerProcess server, String body) throws Exception {
        HttpResponse<String> response = server.post("/api/v1/generate", body);
        assertEquals(200, response.statusCode(), response.body());
        return json(response).path("results").get(0).path("text").asText();
    }

    /** Every prompt at once, from as many clients. */
    private static List<String> together(ServerProcess server, int length) throws Exception {
        List<CompletableFuture<String>> running = new ArrayList<>();
        for (String prompt : PROMPTS) {
            running.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return generate(server, greedy(prompt, length));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        List<String> texts = new ArrayList<>();
        for (CompletableFuture<String> text : running) {
            texts.add(text.get(120, TimeUnit.SECONDS));
        }
        return texts;
    }

    @Test
    void greedyTextsAreThoseWithoutTheDraftForSeveralClientsAtOnce() throws Exception {
        List<String> plain;
        try (ServerProcess undrafted = ServerProcess.withTextModel("--contextsize", "1024", "--parallel", "4")) {
            plain = together(undrafted, 150);
        }
        assertEquals(TestModel.GREEDY_64, generate(drafted, greedy("Once upon a time", 64)));
        JsonNode before = json(drafted.get("/api/extra/perf"));
        assertEquals(plain, together(drafted, 150));
        JsonNode after = json(drafted.get("/api/extra/perf"));
        long proposed = after.path("draft_tokens_proposed").asLong() - before.path("draft_tokens_proposed").asLong();
        long accepted = after.path("draft_tokens_accepted").asLong() - before.path("draft_tokens_accepted").asLong();
        assertTrue(proposed > 100, "proposed " + proposed);
        assertTrue(accepted >= 0.9 * proposed && accepted <= proposed, "its own draft agrees: " + accepted + " of " + proposed);
    }

    @Test
    void anAbortMidStreamEndsTheStreamAndTheSlotServesOn() throws Exception {
        ObjectNode body = (ObjectNode) JSON.readTree(greedy("Once upon a time", 800));
        body.put("genkey", "spec-abort");
        body.set("stop_sequence", JSON.createArrayNode());
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<KoboldStream> stream = KoboldStream.begin(drafted, body.toString(), started);
        assertTrue(started.await(60, TimeUnit.SECONDS), "the stream began");
        assertEquals("true", json(drafted.post("/api/extra/abort", "{\"genkey\":\"spec-abort\"}")).path("success").asText());
        KoboldStream ended = stream.get(60, TimeUnit.SECONDS);
        assertTrue(TestModel.GREEDY_64.startsWith(ended.text()) || ended.text().startsWith(TestModel.GREEDY_64),
                "what was streamed is the greedy text so far: " + ended.text());
        assertTrue(json(drafted.get("/api/extra/perf")).path("last_token_count").asInt() < 800);
        assertEquals(TestModel.GREEDY_64, generate(drafted, greedy("Once upon a time", 64)), "the slot serves again");
    }

    @Test
    void aBadDraftAmountIsRefusedAtStart() throws Exception {
        for (String amount : List.of("0", "-3", "100000")) {
            ServerProcess.Finished refused = ServerProcess.run("--model", TestModel.path(), "--draftmodel", TestModel.path(),
                    "--draftamount", amount);
            assertEquals(2, refused.exitCode(), refused.output());
            assertEquals("koboldj: --draftamount must be between 1 and 64, not " + amount, refused.output().strip());
        }
    }

    @Test
    void aDraftWithAnotherVocabularyLeavesTheModelUnloadedAndSaysWhy(@TempDir Path folder) throws Exception {
        Path padded = folder.resolve("padded.gguf");
        RandomLlamaModel.write(Path.of(TestModel.path()), new LlamaShape(64, 2, 4, 4, 128, 600, 2048), padded);
        try (ServerProcess server = ServerProcess.start("--model", TestModel.path(), "--draftmodel", padded.toString())) {
            String sentence = "the draft model padded cannot draft for stories260K: its vocabulary has 600 tokens, the main "
                    + "model's 512; --draftmodel needs a model with the same tokenizer.";
            assertTrue(Eventually.within(60_000, () -> server.output().contains(sentence)), "the log says why: " + server.output());
            assertEquals(503, server.post("/api/v1/generate", greedy("Once upon a time", 8)).statusCode());
        }
    }
}
