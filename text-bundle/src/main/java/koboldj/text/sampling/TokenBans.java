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
 * Token-level bans and allow-lists: custom_token_bans (ids, as a list or KoboldCpp's comma list),
 * token_ban_ranges ([[from, to], ...] inclusive), allowed_token_ids (only these may come), and
 * min_tokens (no end-of-generation token before that many tokens were produced).
 */
@Component(property = Sampler.NAME_PROPERTY + "=" + TokenBans.NAME)
public class TokenBans implements Sampler {
    static final String NAME = "token_bans";
    static final String CUSTOM = "custom_token_bans";
    static final String RANGES = "token_ban_ranges";
    static final String ALLOWED = "allowed_token_ids";
    static final String MIN_TOKENS = "min_tokens";

    @Override
    public List<SamplerParameter> parameters() {
        return List.of(new SamplerParameter(CUSTOM, "array", List.of(), "token ids that never come"),
                new SamplerParameter(RANGES, "array", List.of(), "[[from, to], ...]: ranges of token ids that never come"),
                new SamplerParameter(ALLOWED, "array", List.of(), "if given, only these token ids may come"),
                new SamplerParameter(MIN_TOKENS, "integer", 0, "no end of generation before this many tokens"));
    }

    @Override
    public SamplerStep prepare(SamplerSettings settings) {
        List<Integer> banned = ids(settings.value(CUSTOM).orElse(List.of()), CUSTOM);
        List<int[]> ranges = ranges(settings.value(RANGES).orElse(List.of()));
        List<Integer> allowed = ids(settings.value(ALLOWED).orElse(List.of()), ALLOWED);
        int minTokens = settings.integer(MIN_TOKENS, 0);
        if (minTokens < 0) {
            throw ApiException.badRequest(MIN_TOKENS, "'min_tokens' must be 0 or more, not " + minTokens + ".");
        }
        if (banned.isEmpty() && ranges.isEmpty() && allowed.isEmpty() && minTokens == 0) {
            return null;
        }
        return new Step(banned, ranges, allowed, minTokens);
    }

    private static List<Integer> ids(Object value, String field) {
        List<Integer> ids = new ArrayList<>();
        if (value instanceof String text) {
            for (String part : text.split(",")) {
                if (!part.isBlank()) {
                    try {
                        ids.add(Integer.parseInt(part.strip()));
                    } catch (NumberFormatException e) {
                        throw ApiException.badRequest(field, "'" + field + "' holds '" + part.strip() + "', which is not a token id.");
                    }
                }
            }
        } else if (value instanceof List<?> list) {
            for (Object item : list) {
                if (!(item instanceof Integer id)) {
                    throw ApiException.badRequest(field, "'" + field + "' must hold token ids (whole numbers).");
                }
                ids.add(id);
            }
        } else {
            throw ApiException.badRequest(field, "'" + field + "' must be a list of token ids.");
        }
        return ids;
    }

    private static List<int[]> ranges(Object value) {
        List<int[]> ranges = new ArrayList<>();
        if (!(value instanceof List<?> list)) {
            throw ApiException.badRequest(RANGES, "'token_ban_ranges' must be a list of [from, to] pairs.");
        }
        for (Object item : list) {
            if (!(item instanceof List<?> pair) || pair.size() != 2 || !(pair.get(0) instanceof Integer from)
                    || !(pair.get(1) instanceof Integer to) || to < from) {
                throw ApiException.badRequest(RANGES, "'token_ban_ranges' must be a list of [from, to] pairs with from <= to.");
            }
            ranges.add(new int[] {from, to});
        }
        return ranges;
    }

    private static final class Step implements SamplerStep {
        private final List<Integer> banned;
        private final List<int[]> ranges;
        private final List<Integer> allowed;
        private final int minTokens;
        private boolean[] blocked;

        Step(List<Integer> banned, List<int[]> ranges, List<Integer> allowed, int minTokens) {
            this.banned = banned;
            this.ranges = ranges;
            this.allowed = allowed;
            this.minTokens = minTokens;
        }

        @Override
        public void apply(Candidates candidates, SamplingContext context) {
            if (blocked == null) {
                blocked = blockedTokens(context.tokenizer().vocabularySize());
            }
            boolean tooEarly = context.length() - context.promptLength() < minTokens;
            for (int i = 0; i < candidates.size(); i++) {
                int id = candidates.id(i);
                if (blocked[id] || tooEarly && context.tokenizer().isEndOfGeneration(id)) {
                    candidates.setLogit(i, Float.NEGATIVE_INFINITY);
                }
            }
        }

        private boolean[] blockedTokens(int vocabulary) {
            boolean[] result = new boolean[vocabulary];
            if (!allowed.isEmpty()) {
                java.util.Arrays.fill(result, true);
                allowed.stream().filter(id -> id >= 0 && id < vocabulary).forEach(id -> result[id] = false);
            }
            banned.stream().filter(id -> id >= 0 && id < vocabulary).forEach(id -> result[id] = true);
            // in order of their start, each range filling only what the ones before it left, so that
            // a request of many overlapping ranges costs one pass over the vocabulary, not one per range
            List<int[]> byStart = new ArrayList<>(ranges);
            byStart.sort(java.util.Comparator.comparingInt(range -> range[0]));
            int filled = 0; // ids below this are done
            for (int[] range : byStart) {
                int end = Math.min(vocabulary - 1, range[1]);
                for (int id = Math.max(filled, range[0]); id <= end; id++) {
                    result[id] = true;
                }
                filled = Math.max(filled, end + 1);
            }
            return result;
        }
    }
}
