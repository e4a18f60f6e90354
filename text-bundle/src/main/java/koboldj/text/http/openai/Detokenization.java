package koboldj.text.http.openai;

import java.util.List;
import java.util.Map;

import koboldj.api.error.ApiException;
import koboldj.api.text.GenerationResult;

/**
 * vLLM's {@code detokenize} and {@code spaces_between_special_tokens}. With {@code detokenize: false}
 * a choice answers the ids of its tokens as {@code token_ids} and no text; stop strings, which are
 * found in the text, and streams of text pieces cannot go with it.
 */
final class Detokenization {
    static final String DETOKENIZE = "detokenize";
    static final String SPACES = "spaces_between_special_tokens";

    private Detokenization() {
    }

    /** Whether the answer holds text; checks the two fields against the rest of the request. */
    static boolean wanted(CompletionInput in) {
        Object detokenize = in.extra.getOrDefault(DETOKENIZE, Boolean.TRUE);
        if (!(detokenize instanceof Boolean text)) {
            throw ApiException.badRequest(DETOKENIZE, "'detokenize' must be true or false.");
        }
        Object spaces = in.extra.getOrDefault(SPACES, Boolean.FALSE);
        if (!(spaces instanceof Boolean between)) {
            throw ApiException.badRequest(SPACES, "'spaces_between_special_tokens' must be true or false.");
        }
        if (between && Boolean.FALSE.equals(in.extra.get("skip_special_tokens"))) {
            // special tokens are shown as llama.cpp renders them, joined to their neighbours without spaces
            throw ApiException.badRequest(SPACES, "'spaces_between_special_tokens': true is not supported with "
                    + "'skip_special_tokens': false; special tokens are shown without spaces around them.");
        }
        if (!text && Boolean.TRUE.equals(in.stream)) {
            throw ApiException.badRequest(DETOKENIZE, "'detokenize': false cannot be streamed: the stream carries text.");
        }
        if (!text && in.stop != null && !(in.stop instanceof List<?> list && list.isEmpty())) {
            throw ApiException.badRequest(DETOKENIZE, "'detokenize': false cannot go with 'stop' strings, which are "
                    + "found in the text; use 'stop_token_ids'.");
        }
        return text;
    }

    /**
     * The whole answer's choices without text and with their token ids, when the request said
     * {@code detokenize: false}; {@code member} is where the text is ("text", or "message").
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> tokensOnly(Map<String, Object> body, List<GenerationResult> results, boolean chat) {
        List<Map<String, Object>> choices = (List<Map<String, Object>>) body.get("choices");
        for (int i = 0; i < choices.size(); i++) {
            Map<String, Object> choice = choices.get(i);
            if (chat) {
                choice.put("message", Map.of("role", "assistant", "content", ""));
            } else {
                choice.put("text", "");
            }
            choice.put("token_ids", results.get(i).tokens());
        }
        return body;
    }
}
