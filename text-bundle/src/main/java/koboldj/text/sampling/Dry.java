package koboldj.text.sampling;

import java.util.ArrayList;
import java.util.List;

import org.osgi.service.component.annotations.Component;

import koboldj.api.error.ApiException;
import koboldj.api.sampler.Candidates;
import koboldj.api.sampler.Sampler;
import koboldj.api.sampler.SamplerParameter;
import koboldj.api.sampler.SamplerSettings;
import koboldj.api.sampler.SamplerStep;
import koboldj.api.sampler.SamplingContext;

/**
 * DRY ("don't repeat yourself"): if emitting a token would extend a repetition of an earlier
 * stretch of the text by a run of length L >= dry_allowed_length, its logit drops by
 * dry_multiplier * dry_base^(L - dry_allowed_length). Runs do not cross sequence breakers:
 * tokens whose text holds one of dry_sequence_breakers, or the ids in dry_sequence_breaker_ids.
 * <p>
 * Aphrodite's three limits bound the search: {@code dry_max_ngram} caps how many tokens before
 * the last one a match may run back (so L &lt;= dry_max_ngram + 1), {@code dry_max_occurrences}
 * looks only at that many of the latest earlier places of the last token, and the search, from
 * the latest place backwards, stops at the first repeat of length &gt;= {@code dry_early_exit_match_len}
 * (and &gt;= 2: the last token alone is no repeat to stop at).
 * Absent, each is unlimited, as KoboldCpp's DRY has none of them.
 */
@Component(property = Sampler.NAME_PROPERTY + "=" + Dry.NAME)
public class Dry implements Sampler {
    static final String NAME = "dry";
    static final String MULTIPLIER = "dry_multiplier";
    static final String BASE = "dry_base";
    static final String ALLOWED = "dry_allowed_length";
    static final String RANGE = "dry_penalty_last_n";
    static final String RANGE_ALIAS = "dry_range";
    static final String BREAKERS = "dry_sequence_breakers";
    static final String BREAKER_IDS = "dry_sequence_breaker_ids";
    static final String MAX_NGRAM = "dry_max_ngram";
    static final String MAX_OCCURRENCES = "dry_max_occurrences";
    static final String EARLY_EXIT = "dry_early_exit_match_len";
    static final List<String> DEFAULT_BREAKERS = List.of("\n", ":", "\"", "*");

    @Override
    public List<SamplerParameter> parameters() {
        return List.of(new SamplerParameter(MULTIPLIER, "number", 0.0, "penalty strength; 0: off"),
                new SamplerParameter(BASE, "number", 1.75, "growth of the penalty with the repeat's length"),
                new SamplerParameter(ALLOWED, "integer", 2, "repeats up to this length are free"),
                new SamplerParameter(RANGE, "integer", 320, "how many recent tokens are searched; 0 or -1: all"),
                new SamplerParameter(BREAKERS, "array", DEFAULT_BREAKERS, "texts that end a repeat"),
                new SamplerParameter(BREAKER_IDS, "array", List.of(), "token ids that end a repeat"),
                new SamplerParameter(MAX_NGRAM, "integer", null, "a repeat runs back at most this many tokens; absent: no limit"),
                new SamplerParameter(MAX_OCCURRENCES, "integer", null,
                        "only this many latest earlier places of the last token are searched; absent: all"),
                new SamplerParameter(EARLY_EXIT, "integer", null, "a repeat this long ends the search; absent: never"));
    }

    @Override
    public SamplerStep prepare(SamplerSettings settings) {
        double multiplier = settings.number(MULTIPLIER, 0.0);
        double base = settings.number(BASE, 1.75);
        int allowed = settings.integer(ALLOWED, 2);
        int range = settings.integer(RANGE, settings.integer(RANGE_ALIAS, 320));
        if (multiplier < 0 || base < 1 || allowed < 1) {
            throw ApiException.badRequest(multiplier < 0 ? MULTIPLIER : base < 1 ? BASE : ALLOWED,
                    "DRY needs dry_multiplier >= 0, dry_base >= 1 and dry_allowed_length >= 1.");
        }
        Limits limits = new Limits(limit(settings, MAX_NGRAM), limit(settings, MAX_OCCURRENCES), limit(settings, EARLY_EXIT));
        if (multiplier == 0) {
            return null;
        }
        List<String> breakers = strings(settings.value(BREAKERS).orElse(DEFAULT_BREAKERS));
        List<Integer> breakerIds = integers(settings.value(BREAKER_IDS).orElse(List.of()));
        return new Step(multiplier, base, allowed, range, breakers, breakerIds, limits);
    }

    /** A limit of 1 or more, or no limit at all when absent. */
    private static int limit(SamplerSettings settings, String name) {
        Object value = settings.value(name).orElse(Integer.MAX_VALUE);
        if (!(value instanceof Integer count && count >= 1)) {
            throw ApiException.badRequest(name, "'" + name + "' must be a whole number of 1 or more.");
        }
        return count;
    }

    /** Aphrodite's bounds on the search; Integer.MAX_VALUE is no bound. */
    private record Limits(int maxNgram, int maxOccurrences, int earlyExit) {
    }

    private static List<String> strings(Object value) {
        if (value instanceof List<?> list && list.stream().allMatch(item -> item instanceof String)) {
            return list.stream().map(String.class::cast).toList();
        }
        throw ApiException.badRequest(BREAKERS, "'dry_sequence_breakers' must be a list of strings.");
    }

    private static List<Integer> integers(Object value) {
        if (value instanceof List<?> list && list.stream().allMatch(item -> item instanceof Integer)) {
            return list.stream().map(Integer.class::cast).toList();
        }
        throw ApiException.badRequest(BREAKER_IDS, "'dry_sequence_breaker_ids' must be a list of token ids.");
    }

    private static final class Step implements SamplerStep {
        private final double multiplier;
        private final double base;
        private final int allowed;
        private final int range;
        private final List<String> breakers;
        private final List<Integer> breakerIds;
        private final Limits limits;
        private boolean[] breaker;
        private int[] longest = new int[0];

        Step(double multiplier, double base, int allowed, int range, List<String> breakers, List<Integer> breakerIds,
                Limits limits) {
            this.multiplier = multiplier;
            this.base = base;
            this.allowed = allowed;
            this.range = range;
            this.breakers = breakers;
            this.breakerIds = breakerIds;
            this.limits = limits;
        }

        @Override
        public void apply(Candidates candidates, SamplingContext context) {
            int vocabulary = context.tokenizer().vocabularySize();
            if (breaker == null) {
                breaker = breakerTokens(context, vocabulary);
                longest = new int[vocabulary];
            }
            int end = context.length();
            int start = range <= 0 ? 0 : Math.max(0, end - range);
            if (end - start < 2 || breaker[context.token(end - 1)]) {
                return;
            }
            List<Integer> touched = new ArrayList<>();
            int last = context.token(end - 1);
            // the latest earlier places of the last token first: how far back does each match run?
            int occurrences = 0;
            for (int i = end - 2; i >= start && occurrences < limits.maxOccurrences(); i--) {
                if (context.token(i) != last) {
                    continue;
                }
                occurrences++;
                int length = 1;
                while (length <= limits.maxNgram() && i - length >= start && !breaker[context.token(i - length)]
                        && context.token(i - length) == context.token(end - 1 - length)) {
                    length++;
                }
                int next = context.token(i + 1);
                if (length > longest[next]) {
                    if (longest[next] == 0) {
                        touched.add(next);
                    }
                    longest[next] = length;
                }
                // as in Aphrodite, only a real repeat (the last token and at least one before it) ends the search
                if (length >= Math.max(2, limits.earlyExit())) {
                    break;
                }
            }
            for (int i = 0; i < candidates.size(); i++) {
                int repeat = longest[candidates.id(i)];
                if (repeat >= allowed) {
                    candidates.setLogit(i, (float) (candidates.logit(i) - multiplier * Math.pow(base, repeat - allowed)));
                }
            }
            touched.forEach(token -> longest[token] = 0);
        }

        private boolean[] breakerTokens(SamplingContext context, int vocabulary) {
            boolean[] result = new boolean[vocabulary];
            for (int token = 0; token < vocabulary; token++) {
                String text = context.tokenizer().detokenize(new int[] {token}, false);
                for (String breakerText : breakers) {
                    if (!breakerText.isEmpty() && text.contains(breakerText)) {
                        result[token] = true;
                        break;
                    }
                }
            }
            breakerIds.stream().filter(id -> id >= 0 && id < vocabulary).forEach(id -> result[id] = true);
            return result;
        }
    }
}
