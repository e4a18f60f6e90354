package koboldj.api.sampler;

import java.util.random.RandomGenerator;

import org.osgi.annotation.versioning.ProviderType;

import koboldj.api.text.Tokenizer;

/** What a sampler may look at besides the candidates. Valid only during {@link SamplerStep#apply}. */
@ProviderType
public interface SamplingContext {

    /** Tokens of the sequence so far, prompt first: valid indexes are 0 to {@link #length()} - 1. */
    int token(int index);

    int length();

    /** How many of the leading tokens are the prompt. */
    int promptLength();

    /** The request's seeded generator: the only source of randomness a sampler may use. */
    RandomGenerator random();

    Tokenizer tokenizer();
}
