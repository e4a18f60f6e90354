package koboldj.text.engine;

import java.util.List;
import java.util.Optional;

import koboldj.api.error.ApiException;
import koboldj.api.sampler.SamplerSettings;
import koboldj.api.text.GenerationResult;

/**
 * vLLM's request options the engine itself honours, read and checked once for either API:
 * {@code prompt_logprobs}, {@code stop_token_ids}, {@code truncate_prompt_tokens}, and Aphrodite's DeepConf and beam search.
 *
 * @param promptAlternatives alternatives per prompt token's logprob, or -1 when not wanted
 * @param stopTokens         generated tokens that end the generation
 * @param promptLimit        at most this many of the prompt's last tokens are used
 * @param deepConf           the confidence that ends a generation early, or null
 * @param beams              the beam search asked for, or null
 */
record VllmOptions(int promptAlternatives, int[] stopTokens, int promptLimit, DeepConf deepConf, BeamOptions beams) {
    static final String STOP_TOKEN_IDS = "stop_token_ids";
    static final String TRUNCATE_PROMPT_TOKENS = "truncate_prompt_tokens";
    private static final int MAX_STOP_TOKENS = 64;

    /**
     * @param logprobs the alternatives per generated token the request asks for (0: none)
     * @throws ApiException BAD_REQUEST naming the field that is not usable
     */
    static VllmOptions of(SamplerSettings settings, int logprobs) {
        int alternatives = -1;
        Optional<Object> asked = settings.value(GenerationResult.PROMPT_LOGPROBS);
        if (asked.isPresent()) {
            if (!(asked.get() instanceof Integer count && count >= 0 && count <= 20)) {
                throw ApiException.badRequest(GenerationResult.PROMPT_LOGPROBS, "'prompt_logprobs' must be a whole number from 0 to 20.");
            }
            alternatives = count;
        }
        Object limit = settings.value(TRUNCATE_PROMPT_TOKENS).orElse(Integer.MAX_VALUE);
        if (!(limit instanceof Integer tokens && tokens >= 1)) {
            throw ApiException.badRequest(TRUNCATE_PROMPT_TOKENS, "'truncate_prompt_tokens' must be a whole number of 1 or more.");
        }
        return new VllmOptions(alternatives, stopTokens(settings), tokens, DeepConf.of(settings, logprobs),
                BeamOptions.of(settings));
    }

    private static int[] stopTokens(SamplerSettings settings) {
        Object value = settings.value(STOP_TOKEN_IDS).orElse(List.of());
        if (!(value instanceof List<?> ids && ids.size() <= MAX_STOP_TOKENS
                && ids.stream().allMatch(id -> id instanceof Integer token && token >= 0))) {
            throw ApiException.badRequest(STOP_TOKEN_IDS, "'stop_token_ids' must be a list of at most " + MAX_STOP_TOKENS
                    + " token ids.");
        }
        return ids.stream().mapToInt(id -> (Integer) id).toArray();
    }

    boolean wantsPromptLogprobs() {
        return promptAlternatives >= 0;
    }

    boolean isStopToken(int token) {
        for (int stop : stopTokens) {
            if (stop == token) {
                return true;
            }
        }
        return false;
    }
}
