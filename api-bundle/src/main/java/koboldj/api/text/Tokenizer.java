package koboldj.api.text;

import org.osgi.annotation.versioning.ProviderType;

/** The vocabulary of a loaded text model. Thread-safe. */
@ProviderType
public interface Tokenizer {

    /**
     * @param addSpecial   add the model's BOS token (and others its vocabulary asks for)
     * @param parseSpecial recognise control-token text such as {@code <|im_start|>} as single tokens
     */
    int[] tokenize(String text, boolean addSpecial, boolean parseSpecial);

    /** Text of the tokens, with control tokens rendered only if {@code renderSpecial}. */
    String detokenize(int[] tokens, boolean renderSpecial);

    int vocabularySize();

    /** Beginning-of-sequence token id, or -1. */
    int bos();

    /** End-of-sequence token id, or -1. */
    int eos();

    /** True for tokens that end generation (EOS, EOT and the like). */
    boolean isEndOfGeneration(int token);
}
