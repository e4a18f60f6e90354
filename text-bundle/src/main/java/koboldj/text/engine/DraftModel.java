package koboldj.text.engine;

import java.util.Arrays;

import koboldj.text.llama.LlamaModel;

/**
 * KoboldCpp's {@code --draftmodel} and {@code --draftamount}: a small model that proposes the next
 * {@code amount} tokens of each generation, for the main model to verify in one decode (see
 * {@link DraftProposer}). The engine it is given to closes it with its contexts.
 *
 * @param soloThreads threads for the draft's decodes while its lane is the only one decoding, as
 *                    {@link EngineSettings#soloThreads()} is for the main model's (0: the same as
 *                    the main model's): the draft decodes one token at a time, a step as short as
 *                    its size makes it
 */
public record DraftModel(LlamaModel model, int amount, int soloThreads) {
    /** KoboldCpp's default --draftamount. */
    public static final int DEFAULT_AMOUNT = 8;
    /** More proposals than this per step would rarely all be right, and fill the batch for nothing. */
    public static final int MAX_AMOUNT = 64;

    public DraftModel {
        if (amount < 1 || amount > MAX_AMOUNT) {
            throw new IllegalArgumentException("--draftamount must be from 1 to " + MAX_AMOUNT + ", not " + amount);
        }
        if (soloThreads < 0) {
            throw new IllegalArgumentException("soloThreads must be 0 or more, not " + soloThreads);
        }
    }

    /** A draft that decodes alone on as many threads as the main model. */
    public DraftModel(LlamaModel model, int amount) {
        this(model, amount, 0);
    }

    /**
     * Checks that the draft's tokens are the main model's: the main model verifies the draft's
     * token ids, so one id meaning two texts would verify nonsense.
     *
     * @throws IllegalArgumentException with a sentence naming the first difference
     */
    public static void checkVocabulary(LlamaModel main, LlamaModel draft) {
        String names = "the draft model " + draft.descriptor().name() + " cannot draft for " + main.descriptor().name() + ": ";
        if (main.vocabularySize() != draft.vocabularySize()) {
            throw new IllegalArgumentException(names + "its vocabulary has " + draft.vocabularySize() + " tokens, the main "
                    + "model's " + main.vocabularySize() + "; --draftmodel needs a model with the same tokenizer.");
        }
        for (int token = 0; token < main.vocabularySize(); token++) {
            if (!Arrays.equals(main.piece(token, true), draft.piece(token, true))
                    || main.isEndOfGeneration(token) != draft.isEndOfGeneration(token)) {
                throw new IllegalArgumentException(names + "token " + token + " differs between the two vocabularies; "
                        + "--draftmodel needs a model with the same tokenizer.");
            }
        }
    }
}
