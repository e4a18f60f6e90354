package koboldj.text.engine;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import koboldj.api.text.TokenLogprob;
import koboldj.text.llama.LlamaModel;

/** Log-probabilities from a step's raw logits, before any sampler changed them. */
final class TokenLogprobs {

    private TokenLogprobs() {
    }

    /** The log-softmax normaliser of one step's logits, computed once for the chosen token and its rivals. */
    record Step(float[] logits, double logSum) {

        double logprob(int token) {
            return logits[token] - logSum;
        }

        /** The chosen token with the {@code top} most likely tokens of this step. */
        TokenLogprob describe(int chosen, int top, LlamaModel model) {
            return describe(chosen, alternatives(top, model), model);
        }

        /** The chosen token with this step's most likely tokens, found once for the several a beam search may choose. */
        TokenLogprob describe(int chosen, List<TokenLogprob> alternatives, LlamaModel model) {
            return new TokenLogprob(chosen, text(model, chosen), logprob(chosen), alternatives);
        }

        /** The {@code top} most likely tokens of this step, most likely first. */
        List<TokenLogprob> alternatives(int top, LlamaModel model) {
            List<TokenLogprob> best = new ArrayList<>(top);
            for (int index : topIndexes(top)) {
                best.add(new TokenLogprob(index, text(model, index), logprob(index), List.of()));
            }
            return best;
        }

        /** DeepConf's confidence of this step: the negative mean log-probability of the {@code top} most likely tokens. */
        double confidence(int top) {
            int[] indexes = topIndexes(top);
            double sum = 0;
            for (int index : indexes) {
                sum += logprob(index);
            }
            return -sum / indexes.length;
        }

        /** Token ids of the {@code top} largest logits, largest first (one pass, no sort of the vocabulary). */
        int[] topIndexes(int top) {
            int count = Math.min(top, logits.length);
            int[] indexes = new int[count];
            int filled = 0;
            for (int token = 0; token < logits.length; token++) {
                if (filled < count) {
                    insert(indexes, filled++, token);
                } else if (logits[token] > logits[indexes[count - 1]]) {
                    insert(indexes, count - 1, token);
                }
            }
            return indexes;
        }

        /** Puts {@code token} at or before {@code at}, keeping {@code indexes[0..at]} in descending logit order. */
        private void insert(int[] indexes, int at, int token) {
            while (at > 0 && logits[indexes[at - 1]] < logits[token]) {
                indexes[at] = indexes[at - 1];
                at--;
            }
            indexes[at] = token;
        }

        private static String text(LlamaModel model, int token) {
            return new String(model.piece(token, true), StandardCharsets.UTF_8);
        }
    }

    /** Prepares a step; {@code logits} must stay unchanged until {@link Step#describe} has run. */
    static Step of(float[] logits) {
        float max = Float.NEGATIVE_INFINITY;
        for (float logit : logits) {
            max = Math.max(max, logit);
        }
        double sum = 0;
        for (float logit : logits) {
            sum += Math.exp(logit - max);
        }
        return new Step(logits, max + Math.log(sum));
    }
}
