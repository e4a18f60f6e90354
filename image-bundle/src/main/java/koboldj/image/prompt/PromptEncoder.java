package koboldj.image.prompt;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An Automatic1111 prompt to {@link PromptChunks}, as A1111 chunks it: each emphasis run tokenized on its own, 75
 * tokens per chunk, {@code BREAK} closing a chunk early, and a chunk that fills up with a comma among its last 20
 * tokens closing after that comma, the rest moving on to the next chunk. Thread-safe.
 * <p>SD 1.x pads a chunk with the end token; SD 2.x (OpenCLIP) keeps the first end token and pads with 0 after it.
 */
public final class PromptEncoder {

    /** The padding token of SD 1.x's CLIP-L: the end token itself. */
    public static final int SD1_PADDING = ClipTokenizer.END_OF_TEXT;
    /** The padding token of SD 2.x's OpenCLIP. */
    public static final int SD2_PADDING = 0;
    private static final int COMMA_BACKTRACK = 20;

    private final ClipTokenizer tokenizer;
    private final int padding;
    private final int comma;

    public PromptEncoder(ClipTokenizer tokenizer, int paddingToken) {
        this.tokenizer = tokenizer;
        this.padding = paddingToken;
        this.comma = tokenizer.encode(",")[0];
    }

    public static PromptEncoder sd1() {
        return new PromptEncoder(ClipTokenizer.shared(), SD1_PADDING);
    }

    public static PromptEncoder sd2() {
        return new PromptEncoder(ClipTokenizer.shared(), SD2_PADDING);
    }

    public PromptChunks encode(String prompt) {
        Chunker chunker = new Chunker();
        for (WeightedText part : EmphasisParser.parse(prompt)) {
            if (part.chunkBreak()) {
                chunker.close();
                continue;
            }
            for (int token : tokenizer.encode(part.text())) {
                chunker.add(token, (float) part.weight());
            }
        }
        chunker.finish();
        return chunker.result();
    }

    /** The prompt with chunks of the empty prompt appended up to {@code chunks}, as A1111 lengthens the shorter of cond/uncond. */
    public PromptChunks extend(PromptChunks prompt, int chunks) {
        if (chunks <= prompt.chunks()) {
            return prompt;
        }
        PromptChunks empty = encode("");
        int[] ids = Arrays.copyOf(prompt.tokenIds(), chunks * PromptChunks.CHUNK_TOKENS);
        float[] weights = Arrays.copyOf(prompt.weights(), ids.length);
        for (int chunk = prompt.chunks(); chunk < chunks; chunk++) {
            System.arraycopy(empty.tokenIds(), 0, ids, chunk * PromptChunks.CHUNK_TOKENS, PromptChunks.CHUNK_TOKENS);
            System.arraycopy(empty.weights(), 0, weights, chunk * PromptChunks.CHUNK_TOKENS, PromptChunks.CHUNK_TOKENS);
        }
        return new PromptChunks(ids, weights, chunks);
    }

    /** Both prompts with as many chunks as the longer of them (cond and uncond must match to run as one batch). */
    public List<PromptChunks> sameLength(PromptChunks first, PromptChunks second) {
        int chunks = Math.max(first.chunks(), second.chunks());
        return List.of(extend(first, chunks), extend(second, chunks));
    }

    /** Collects tokens into chunks. */
    private final class Chunker {
        private final List<int[]> ids = new ArrayList<>();
        private final List<float[]> weights = new ArrayList<>();
        private final List<Integer> tokens = new ArrayList<>();
        private final List<Float> tokenWeights = new ArrayList<>();
        private int lastComma = -1;

        void add(int token, float weight) {
            if (token == comma) {
                lastComma = tokens.size();
            } else if (tokens.size() == PromptChunks.TEXT_TOKENS && lastComma != -1
                    && tokens.size() - lastComma <= COMMA_BACKTRACK) {
                int breakAt = lastComma + 1;
                List<Integer> movedTokens = new ArrayList<>(tokens.subList(breakAt, tokens.size()));
                List<Float> movedWeights = new ArrayList<>(tokenWeights.subList(breakAt, tokens.size()));
                tokens.subList(breakAt, tokens.size()).clear();
                tokenWeights.subList(breakAt, tokenWeights.size()).clear();
                close();
                tokens.addAll(movedTokens);
                tokenWeights.addAll(movedWeights);
            }
            if (tokens.size() == PromptChunks.TEXT_TOKENS) {
                close();
            }
            tokens.add(token);
            tokenWeights.add(weight);
        }

        /** Ends the current chunk: start token, the tokens, end tokens up to 77, then the family's padding. */
        void close() {
            int[] chunk = new int[PromptChunks.CHUNK_TOKENS];
            float[] chunkWeights = new float[PromptChunks.CHUNK_TOKENS];
            Arrays.fill(chunk, ClipTokenizer.END_OF_TEXT);
            Arrays.fill(chunkWeights, 1f);
            chunk[0] = ClipTokenizer.START_OF_TEXT;
            for (int i = 0; i < tokens.size(); i++) {
                chunk[i + 1] = tokens.get(i);
                chunkWeights[i + 1] = tokenWeights.get(i);
            }
            // SD 2.x: everything after the first end token becomes padding (A1111 does this when pad and end differ).
            for (int i = tokens.size() + 2; i < chunk.length; i++) {
                chunk[i] = padding;
            }
            ids.add(chunk);
            weights.add(chunkWeights);
            tokens.clear();
            tokenWeights.clear();
            lastComma = -1;
        }

        void finish() {
            if (!tokens.isEmpty() || ids.isEmpty()) {
                close();
            }
        }

        PromptChunks result() {
            int[] allIds = new int[ids.size() * PromptChunks.CHUNK_TOKENS];
            float[] allWeights = new float[allIds.length];
            for (int i = 0; i < ids.size(); i++) {
                System.arraycopy(ids.get(i), 0, allIds, i * PromptChunks.CHUNK_TOKENS, PromptChunks.CHUNK_TOKENS);
                System.arraycopy(weights.get(i), 0, allWeights, i * PromptChunks.CHUNK_TOKENS, PromptChunks.CHUNK_TOKENS);
            }
            return new PromptChunks(allIds, allWeights, ids.size());
        }
    }
}
