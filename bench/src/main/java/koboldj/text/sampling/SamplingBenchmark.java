package koboldj.text.sampling;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import koboldj.api.sampler.Candidates;
import koboldj.api.sampler.Sampler;
import koboldj.api.sampler.SamplerSettings;
import koboldj.api.sampler.SamplingContext;
import koboldj.api.text.Tokenizer;
import koboldj.text.http.SamplerOrder;

/**
 * What sampling one token costs the engine thread: copying a vocabulary of logits into the
 * candidates, running the request's sampler chain and drawing. In the samplers' own package
 * because the catalog is filled by Declarative Services in the server; here it is filled by hand.
 *
 * <p>Chains: "kobold" is KoboldAI Lite's usual settings (rep_pen 1.07 over 360 tokens, top_k 100,
 * top_p 0.92, temperature 0.7 in the default order); "bench" is the text benchmark's (temperature
 * 0.8, top_k 40, top_p 0.95, rep_pen 1.1); "all" switches on every built-in sampler that does not
 * replace the others (Mirostat does).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SamplingBenchmark {
    @Param({"32000", "128000"})
    int vocabulary;

    @Param({"kobold", "bench", "all"})
    String chain;

    private static final int HISTORY = 2048;
    private float[][] logits;
    private int next;
    private Candidates candidates;
    private SamplerChain samplers;
    private History history;
    private RandomGenerator random;

    @Setup(Level.Trial)
    public void setUp() {
        SplittableRandom source = new SplittableRandom(42);
        logits = new float[16][vocabulary];
        for (float[] row : logits) {
            for (int i = 0; i < vocabulary; i++) {
                // a peaked distribution like a model's: a few likely tokens, a long tail
                row[i] = (float) (source.nextGaussian() * 2 - (i % 97 == 0 ? 0 : 4));
            }
        }
        int[] tokens = new int[HISTORY];
        for (int i = 0; i < HISTORY; i++) {
            tokens[i] = source.nextInt(vocabulary);
        }
        random = new SplittableRandom(7);
        history = new History(tokens, new FakeVocabulary(vocabulary), random);
        candidates = new Candidates(vocabulary);
        samplers = catalog().chain(settings(chain));
    }

    @Benchmark
    public int sampleOneToken() {
        candidates.reset(logits[next++ & 15], vocabulary);
        int token = samplers.sample(candidates, history, random);
        samplers.accept(token);
        return token;
    }

    private static SamplerSettings settings(String chain) {
        Map<String, Object> parameters = new HashMap<>();
        switch (chain) {
            case "kobold" -> parameters.putAll(Map.of("rep_pen", 1.07, "rep_pen_range", 360, "top_k", 100,
                    "top_p", 0.92, "temperature", 0.7));
            case "bench" -> parameters.putAll(Map.of("rep_pen", 1.1, "top_k", 40, "top_p", 0.95, "temperature", 0.8));
            case "all" -> {
                parameters.putAll(Map.of("rep_pen", 1.1, "rep_pen_range", 1024, "rep_pen_slope", 0.7, "top_k", 200,
                        "top_a", 0.1, "tfs", 0.95, "typical", 0.95, "top_p", 0.95, "min_p", 0.02, "temperature", 0.9));
                parameters.putAll(Map.of("presence_penalty", 0.2, "frequency_penalty", 0.2, "smoothing_factor", 0.3,
                        "dry_multiplier", 0.8, "dry_base", 1.75, "dry_allowed_length", 2, "xtc_threshold", 0.1,
                        "xtc_probability", 0.5, "nsigma", 2.0, "dynatemp_range", 0.3));
                parameters.putAll(Map.of("epsilon_cutoff", 3.0, "eta_cutoff", 3.0, "no_repeat_ngram_size", 4,
                        "logit_bias", Map.of("17", -2.0), "skew", 0.2));
            }
            default -> throw new IllegalArgumentException(chain);
        }
        return new SamplerSettings(SamplerOrder.kobold(null, parameters), parameters);
    }

    private static SamplerCatalog catalog() {
        SamplerCatalog catalog = new SamplerCatalog();
        Map<String, Sampler> builtIn = new HashMap<>();
        builtIn.put(TokenBans.NAME, new TokenBans());
        builtIn.put(LogitBias.NAME, new LogitBias());
        builtIn.put(Dry.NAME, new Dry());
        builtIn.put(NoRepeatNgram.NAME, new NoRepeatNgram());
        builtIn.put(TopNSigma.NAME, new TopNSigma());
        builtIn.put(EpsilonEta.NAME, new EpsilonEta());
        builtIn.put(TopK.NAME, new TopK());
        builtIn.put(TopA.NAME, new TopA());
        builtIn.put(TailFree.NAME, new TailFree());
        builtIn.put(Typical.NAME, new Typical());
        builtIn.put(TopP.NAME, new TopP());
        builtIn.put(MinP.NAME, new MinP());
        builtIn.put(Smoothing.NAME, new Smoothing());
        builtIn.put(Temperature.NAME, new Temperature());
        builtIn.put(RepetitionPenalty.NAME, new RepetitionPenalty());
        builtIn.put(PresenceFrequencyPenalty.NAME, new PresenceFrequencyPenalty());
        builtIn.put(Xtc.NAME, new Xtc());
        builtIn.put(Mirostat.NAME, new Mirostat());
        builtIn.put(Skew.NAME, new Skew());
        builtIn.forEach((name, sampler) -> catalog.addSampler(sampler, Map.of(Sampler.NAME_PROPERTY, name)));
        return catalog;
    }

    private record History(int[] tokens, Tokenizer tokenizer, RandomGenerator random) implements SamplingContext {
        @Override
        public int token(int index) {
            return tokens[index];
        }

        @Override
        public int length() {
            return tokens.length;
        }

        @Override
        public int promptLength() {
            return tokens.length / 2;
        }
    }

    /** A vocabulary whose token i reads "t<i> ", enough for the samplers that look at text (DRY). */
    private record FakeVocabulary(int vocabularySize) implements Tokenizer {
        @Override
        public int[] tokenize(String text, boolean addSpecial, boolean parseSpecial) {
            return new int[0];
        }

        @Override
        public String detokenize(int[] tokens, boolean renderSpecial) {
            StringBuilder text = new StringBuilder();
            for (int token : tokens) {
                text.append('t').append(token).append(' ');
            }
            return text.toString();
        }

        @Override
        public int bos() {
            return 1;
        }

        @Override
        public int eos() {
            return 2;
        }

        @Override
        public boolean isEndOfGeneration(int token) {
            return token == 2;
        }
    }
}
