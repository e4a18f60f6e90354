package koboldj.image.job;

import koboldj.image.prompt.PromptChunks;

/** A1111 prompt text → {@link PromptChunks}, with the padding of the model family. */
public interface PromptTokenizer {

    PromptChunks tokenize(String prompt);

    /** The prompt grown to {@code chunks} chunks with empty ones, as A1111 pads the shorter of cond and uncond. */
    PromptChunks padded(PromptChunks prompt, int chunks);
}
