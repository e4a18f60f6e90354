package koboldj.text.engine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import koboldj.api.text.FinishReason;

/**
 * The bookkeeping of one request's beam search, as vLLM (and Aphrodite) defines it, without the
 * model: each step the live beams' best {@code 2 × width} continuations are scored; the finished
 * ones join a pool that keeps the best {@code width}; the best {@code width} unfinished ones live
 * on, unless the early stopping rule ends the search.
 *
 * <p>A beam's score is its cumulative logprob divided by its length to the power of
 * {@code length_penalty}, where the length counts the prompt's tokens and the generated ones but
 * not a final end-of-sequence token (vLLM's rule, taken from Hugging Face's).
 *
 * @param <T> what the engine keeps with each beam (its text so far)
 */
final class BeamSearch<T> {

    /**
     * A beam after a step.
     *
     * @param parent     the index, among the live beams before the step, of the beam it continues; -1 for the start
     * @param token      the token it added; -1 for the start
     * @param length     generated tokens counted in its score
     * @param cumulative the sum of its tokens' logprobs
     * @param reason     why it finished, or null while it lives
     * @param state      the engine's
     */
    record Beam<T>(int parent, int token, int length, double cumulative, FinishReason reason, T state) {
        boolean finished() {
            return reason != null;
        }
    }

    /**
     * A live beam's continuation by one token, before it is known whether it finishes the beam.
     *
     * @param logprob    the token's
     * @param cumulative the parent's cumulative logprob and the token's
     */
    record Candidate(int parent, int token, double logprob, double cumulative) {
    }

    private final int width;
    private final BeamOptions options;
    private final int promptLength;
    /** The longest a beam could grow to, prompt included, for early_stopping "never". */
    private final int longest;
    private final List<Beam<T>> finished = new ArrayList<>();
    private List<Beam<T>> live;

    BeamSearch(int width, BeamOptions options, int promptLength, int longest, T start) {
        this.width = width;
        this.options = options;
        this.promptLength = promptLength;
        this.longest = longest;
        this.live = List.of(new Beam<>(-1, -1, 0, 0, null, start));
    }

    int width() {
        return width;
    }

    /** The beams that go on, best first; empty once the search has ended. */
    List<Beam<T>> live() {
        return live;
    }

    boolean done() {
        return live.isEmpty();
    }

    /** The finished beams kept, best first: the search's answer once it is done. */
    List<Beam<T>> finished() {
        return List.copyOf(finished);
    }

    double score(Beam<?> beam) {
        return score(beam.cumulative(), promptLength + beam.length());
    }

    private double score(double cumulative, int length) {
        return cumulative / Math.pow(length, options.lengthPenalty());
    }

    /**
     * The {@code 2 × width} continuations with the highest cumulative logprob among {@code all}
     * (every live beam's best {@code 2 × width}), best first; ties keep their order in {@code all}.
     */
    List<Candidate> best(List<Candidate> all) {
        return all.stream().sorted(Comparator.comparingDouble(Candidate::cumulative).reversed()).limit(2L * width).toList();
    }

    /**
     * Takes one step's beams (the {@link #best} candidates, each finished or not) and returns the
     * ones that live on, best first, which {@link #live} gives from now on; empty when the search ends.
     */
    List<Beam<T>> step(List<Beam<T>> children) {
        Comparator<Beam<T>> byScore = Comparator.comparingDouble((Beam<T> beam) -> score(beam)).reversed();
        children.stream().filter(Beam::finished).forEach(finished::add);
        finished.sort(byScore);
        if (finished.size() > width) {
            finished.subList(width, finished.size()).clear();
        }
        List<Beam<T>> running = children.stream().filter(beam -> !beam.finished()).sorted(byScore).toList();
        boolean stop = running.isEmpty() || finished.size() >= width && noBetterToCome(running.getFirst());
        live = stop ? List.of() : running.subList(0, Math.min(width, running.size()));
        return live;
    }

    /** vLLM's early stopping, once {@code width} beams have finished: whether the best running one cannot beat the worst of them. */
    private boolean noBetterToCome(Beam<T> bestRunning) {
        double worstFinished = score(finished.get(width - 1));
        double attainable = switch (options.earlyStopping()) {
            case ALWAYS -> Double.NEGATIVE_INFINITY;
            case HEURISTIC -> score(bestRunning);
            // a positive penalty favours length: the best a beam could do is at the longest it could grow
            case NEVER -> options.lengthPenalty() > 0 ? score(bestRunning.cumulative(), longest) : score(bestRunning);
        };
        return worstFinished >= attainable;
    }
}
