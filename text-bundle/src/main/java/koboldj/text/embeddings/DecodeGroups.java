package koboldj.text.embeddings;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a request's inputs, in order, into groups that each go to the model in one llama_decode,
 * one sequence per input. Each input starts at a multiple of {@code alignment} in the batch (the
 * gaps are filled with padding tokens), so that it lands on the same KV-cache cells modulo the
 * SIMD width as when it is decoded alone. A group spans at most {@code maxTokens} tokens, padding
 * included, so that it fits the batch (a larger batch aborts the process) and the KV cache, and
 * holds at most {@code maxSequences} inputs. An input is never split: pooling needs all its tokens
 * in one decode.
 */
public final class DecodeGroups {

    private DecodeGroups() {
    }

    /** A run of inputs {@code [from, to)} decoded together. */
    public record Group(int from, int to) {
        public int size() {
            return to - from;
        }
    }

    /** Where an input may start after a batch of {@code used} tokens. */
    public static int alignedStart(int used, int alignment) {
        return (used + alignment - 1) / alignment * alignment;
    }

    /** The batch positions {@code group} spans, padding included: the KV cells its decode needs. */
    public static int span(int[] lengths, Group group, int alignment) {
        int used = 0;
        for (int i = group.from(); i < group.to(); i++) {
            used = alignedStart(used, alignment) + lengths[i];
        }
        return used;
    }

    /**
     * @param lengths token count of each input, each from 1 to {@code maxTokens}
     * @throws IllegalArgumentException if an input does not fit on its own
     */
    public static List<Group> of(int[] lengths, int maxTokens, int maxSequences, int alignment) {
        List<Group> groups = new ArrayList<>();
        int from = 0;
        int used = 0;
        for (int i = 0; i < lengths.length; i++) {
            if (lengths[i] < 1 || lengths[i] > maxTokens) {
                throw new IllegalArgumentException("input " + i + " has " + lengths[i] + " tokens; 1 to " + maxTokens + " fit");
            }
            int start = alignedStart(used, alignment);
            if (i > from && (start + lengths[i] > maxTokens || i - from == maxSequences)) {
                groups.add(new Group(from, i));
                from = i;
                start = 0;
            }
            used = start + lengths[i];
        }
        if (from < lengths.length) {
            groups.add(new Group(from, lengths.length));
        }
        return groups;
    }
}
