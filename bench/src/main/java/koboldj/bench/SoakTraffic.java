package koboldj.bench;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The requests a soak sends, with how often each comes: what clients send every day (whole and
 * streamed generations, chat, completions, embeddings, token counts) and what a hostile or broken
 * client sends (malformed JSON, wrong types, megabyte prompts, huge lists and strings). A normal
 * request is expected to get 200 (or 503 when every slot and the queue are busy), a hostile one a
 * 4xx; anything else is reported.
 */
final class SoakTraffic {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SENTENCE = "Once upon a time there was a little girl named Lily who liked to play. ";
    private static final int MB = 1024 * 1024;

    /** One kind of request: a method, a path, a body (null for GET) and its content type. */
    record Kind(String name, int weight, boolean hostile, String method, String path, byte[] body, String contentType) {
    }

    private final List<Kind> kinds;
    private final int totalWeight;

    SoakTraffic() {
        String story = SENTENCE.repeat(5 * MB / SENTENCE.length() + 1);
        kinds = List.of(
                normal("generate", 20, "/api/v1/generate", kobold("Once upon a time", 16)),
                normal("stream", 15, "/api/extra/generate/stream", kobold("The little cat", 16)),
                normal("chat", 12, "/v1/chat/completions", chat("Tell me a story.")),
                normal("completion", 8, "/v1/completions", json(JSON.createObjectNode().put("prompt", "One sunny day")
                        .put("max_tokens", 16))),
                normal("embeddings", 8, "/v1/embeddings", json(JSON.createObjectNode().put("input", "A big red ball"))),
                normal("tokencount", 5, "/api/extra/tokencount", json(JSON.createObjectNode().put("prompt", "Lily went to the park"))),
                new Kind("version", 3, false, "GET", "/api/extra/version", null, null),
                // the same megabytes every time from every client: what the server keeps of them shows as RSS
                normal("huge-prompt", 4, "/api/v1/generate", kobold(story + "The end.", 8)),
                normal("huge-chat", 2, "/v1/chat/completions", chat(story)),
                hostile("malformed-json", 4, "/api/v1/generate", "{\"prompt\": \"Once", "application/json"),
                hostile("wrong-types", 4, "/api/v1/generate", "{\"prompt\": 5, \"max_length\": \"many\"}", "application/json"),
                hostile("bad-max-length", 2, "/v1/completions", "{\"prompt\": \"x\", \"max_tokens\": -3}", "application/json"),
                hostile("empty-body", 2, "/v1/chat/completions", "", "application/json"),
                hostile("not-json-type", 2, "/api/v1/generate", "prompt=x", "text/plain"),
                hostile("nested-json", 2, "/api/v1/generate", "[".repeat(100_000) + "]".repeat(100_000), "application/json"),
                hostile("huge-tokenize", 2, "/api/extra/tokencount", json(JSON.createObjectNode().put("prompt", story))),
                hostile("huge-sampler-order", 2, "/api/v1/generate", samplerOrder(100_000)),
                hostile("huge-stop", 2, "/api/v1/generate", hugeStop()),
                hostile("huge-memory", 2, "/api/v1/generate", json(JSON.createObjectNode().put("prompt", "x").put("memory", story))),
                hostile("huge-embedding", 2, "/v1/embeddings", json(JSON.createObjectNode().put("input", story))),
                hostile("huge-logit-bias", 2, "/v1/completions", logitBias(50_000)),
                hostile("unknown-route", 1, "/api/v1/nothing-here", "{}", "application/json"));
        totalWeight = kinds.stream().mapToInt(Kind::weight).sum();
    }

    List<Kind> kinds() {
        return kinds;
    }

    /** A kind drawn by weight. */
    Kind next() {
        int draw = ThreadLocalRandom.current().nextInt(totalWeight);
        for (Kind kind : kinds) {
            draw -= kind.weight();
            if (draw < 0) {
                return kind;
            }
        }
        return kinds.getLast();
    }

    private static Kind normal(String name, int weight, String path, byte[] body) {
        return new Kind(name, weight, false, "POST", path, body, "application/json");
    }

    private static Kind hostile(String name, int weight, String path, byte[] body) {
        return new Kind(name, weight, true, "POST", path, body, "application/json");
    }

    private static Kind hostile(String name, int weight, String path, String body, String contentType) {
        return new Kind(name, weight, true, "POST", path, body.getBytes(StandardCharsets.UTF_8), contentType);
    }

    private static byte[] kobold(String prompt, int maxLength) {
        return json(JSON.createObjectNode().put("prompt", prompt).put("max_length", maxLength));
    }

    private static byte[] chat(String content) {
        ObjectNode body = JSON.createObjectNode().put("max_tokens", 16);
        body.putArray("messages").addObject().put("role", "user").put("content", content);
        return json(body);
    }

    private static byte[] samplerOrder(int names) {
        ObjectNode body = JSON.createObjectNode().put("prompt", "x").put("max_length", 4);
        ArrayNode order = body.putArray("sampler_order");
        for (int i = 0; i < names; i++) {
            order.add("sampler" + i);
        }
        return json(body);
    }

    private static byte[] hugeStop() {
        ObjectNode body = JSON.createObjectNode().put("prompt", "x").put("max_length", 4);
        body.putArray("stop_sequence").add("z".repeat(MB));
        return json(body);
    }

    private static byte[] logitBias(int entries) {
        ObjectNode body = JSON.createObjectNode().put("prompt", "x").put("max_tokens", 4);
        ObjectNode bias = body.putObject("logit_bias");
        for (int i = 0; i < entries; i++) {
            bias.put("word" + i, 1.0);
        }
        return json(body);
    }

    private static byte[] json(ObjectNode body) {
        return body.toString().getBytes(StandardCharsets.UTF_8);
    }
}
