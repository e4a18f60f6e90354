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
 */
public record GenerationResult(String text, FinishReason reason, int promptTokens, int completionTokens,
        long seed, List<TokenLogprob> logprobs, double cumulativeLogprob) {

    public GenerationResult {
        logprobs = List.copyOf(logprobs);
    }
}
