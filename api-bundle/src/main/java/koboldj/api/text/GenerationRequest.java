package koboldj.api.text;

import java.util.List;
import java.util.Objects;

import koboldj.api.sampler.SamplerSettings;

/**
 * One generation, in the engine's terms (not any wire format).
 *
 * @param prompt           the text to continue
 * @param memory           text kept at the front of the context, never trimmed
 * @param maxLength        tokens to generate at most
 * @param maxContextLength context the request may use; the prompt is trimmed from the front to fit
 * @param stopSequences    generation ends when the text produces one of these
 * @param trimStop         leave the matched stop sequence out of the result
 * @param banEos           never sample the end-of-sequence token
 * @param bypassEos        keep going after an end-of-sequence token (it is not rendered)
 * @param renderSpecial    render control tokens as text
 * @param seed             the sampler seed; negative picks a random one
 * @param genkey           the client's handle for check/abort, or null
 * @param logprobs         how many alternatives to report per token (0: no logprobs)
 * @param sampling         the sampler chain and its parameters
 * @param grammar          a GBNF grammar (start rule "root") the output must follow; null or empty for none
 * @param grammarRetainState continue from where the previous request's grammar stopped, if it was the same grammar
 */
public record GenerationRequest(String prompt, String memory, int maxLength, int maxContextLength,
        List<String> stopSequences, boolean trimStop, boolean banEos, boolean bypassEos,
        boolean renderSpecial, long seed, String genkey, int logprobs, SamplerSettings sampling,
        String grammar, boolean grammarRetainState) {

    /** A request without a grammar. */
    public GenerationRequest(String prompt, String memory, int maxLength, int maxContextLength,
            List<String> stopSequences, boolean trimStop, boolean banEos, boolean bypassEos,
            boolean renderSpecial, long seed, String genkey, int logprobs, SamplerSettings sampling) {
        this(prompt, memory, maxLength, maxContextLength, stopSequences, trimStop, banEos, bypassEos, renderSpecial, seed,
                genkey, logprobs, sampling, null, false);
    }

    public GenerationRequest {
        Objects.requireNonNull(prompt, "prompt");
        memory = memory == null ? "" : memory;
        stopSequences = List.copyOf(stopSequences);
        Objects.requireNonNull(sampling, "sampling");
    }
}
