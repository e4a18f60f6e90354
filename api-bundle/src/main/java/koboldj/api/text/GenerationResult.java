package koboldj.api.text;

import java.util.List;

/**
 * The outcome of a generation.
 *
 * @param text             the generated text
 * @param reason           why it ended
 * @param promptTokens     tokens in the prompt as processed (after trimming)
 * @param completionTokens tokens generated
 * @param seed             the seed that was used (useful when a random one was picked)
 * @param logprobs         per-token logprobs, empty unless requested
 * @param cumulativeLogprob the sum of the generated tokens' log-probabilities under the model's
 *                         raw distribution (the values {@code logprobs} reports); ranks choices.
 *                         Computed for the choices of {@link TextGenerator#submitChoices} and when
 *                         logprobs were asked for; NaN otherwise
 * @param promptLogprobs   for each prompt token after the first, its log-probability given the
 *                         tokens before it, with the most likely alternatives there; empty unless
 *                         the request's sampling parameters ask for {@code prompt_logprobs}
 * @param tokens           the ids of the generated tokens, in order (for vLLM's {@code detokenize: false});
 *                         empty where the generator does not report them
 */
public record GenerationResult(String text, FinishReason reason, int promptTokens, int completionTokens,
        long seed, List<TokenLogprob> logprobs, double cumulativeLogprob, List<TokenLogprob> promptLogprobs,
        List<Integer> tokens) {

    /** The request parameter that asks for {@link #promptLogprobs()}: how many alternatives (0 to 20). */
    public static final String PROMPT_LOGPROBS = "prompt_logprobs";

    public GenerationResult {
        logprobs = List.copyOf(logprobs);
        promptLogprobs = List.copyOf(promptLogprobs);
        tokens = List.copyOf(tokens);
    }

    /** A result that does not report its token ids. */
    public GenerationResult(String text, FinishReason reason, int promptTokens, int completionTokens,
            long seed, List<TokenLogprob> logprobs, double cumulativeLogprob, List<TokenLogprob> promptLogprobs) {
        this(text, reason, promptTokens, completionTokens, seed, logprobs, cumulativeLogprob, promptLogprobs, List.of());
    }
}
