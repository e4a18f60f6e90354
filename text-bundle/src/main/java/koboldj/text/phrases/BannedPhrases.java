package koboldj.text.phrases;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import koboldj.api.error.ApiException;
import koboldj.api.sampler.SamplerSettings;
import koboldj.api.text.Tokenizer;

/**
 * Phrases a generation must never produce, from the request's fields:
 * <ul>
 * <li>KoboldCpp's {@code banned_tokens} (SillyTavern sends {@code banned_strings}): strings matched
 * without regard to case. As in KoboldCpp, a single ASCII character that is one token bans every
 * token whose text contains it; anything longer is a phrase.</li>
 * <li>Aphrodite's {@code bad_words} (strings) and {@code banned_phrases_token_ids} (token id
 * sequences, matched as the text they decode to), matched exactly.</li>
 * </ul>
 * Phrases are matched in the text, not in token ids, so every tokenization of a phrase is caught.
 * Immutable and thread-safe.
 */
public final class BannedPhrases {
    /** KoboldCpp's limit on banned strings per request (ban_token_max). */
    public static final int MAX_PHRASES = 768;
    /** Characters per phrase: text that might start a phrase is held back, so phrases stay short. */
    public static final int MAX_LENGTH = 500;
    static final String BANNED_TOKENS = "banned_tokens";
    static final String BANNED_STRINGS = "banned_strings";
    static final String BAD_WORDS = "bad_words";
    static final String PHRASE_IDS = "banned_phrases_token_ids";

    public static final BannedPhrases NONE = new BannedPhrases(List.of(), new int[0]);

    private record Phrase(String text, boolean ignoreCase) {
    }

    /**
     * Where a phrase shows up in a text.
     *
     * @param matchAt  start of the first complete phrase, or -1
     * @param holdFrom start of the first text that might still become a phrase; the text's length if none
     */
    public record Scan(int matchAt, int holdFrom) {
    }

    private final List<Phrase> phrases;
    /** Phrases by the lower case of their first character. */
    private final Map<Character, List<Phrase>> byFirst = new HashMap<>();
    private final int[] bannedTokens;

    private BannedPhrases(List<Phrase> phrases, int[] bannedTokens) {
        this.phrases = List.copyOf(phrases);
        this.bannedTokens = bannedTokens;
        for (Phrase phrase : this.phrases) {
            byFirst.computeIfAbsent(Character.toLowerCase(phrase.text.charAt(0)), c -> new ArrayList<>()).add(phrase);
        }
    }

    /**
     * The bans a request carries.
     *
     * @throws ApiException BAD_REQUEST naming the field that is malformed or holds too many phrases
     */
    public static BannedPhrases from(SamplerSettings settings, Tokenizer tokenizer) {
        List<Phrase> phrases = new ArrayList<>();
        List<Integer> tokens = new ArrayList<>();
        List<Character> characters = new ArrayList<>();
        for (String field : List.of(BANNED_TOKENS, BANNED_STRINGS)) {
            for (String word : strings(settings, field)) {
                char first = Character.toLowerCase(word.charAt(0));
                if (word.length() == 1 && first < 128 && tokenizer.tokenize(String.valueOf(first), false, false).length == 1) {
                    characters.add(first);
                } else {
                    add(phrases, new Phrase(word, true), field);
                }
            }
        }
        for (String word : strings(settings, BAD_WORDS)) {
            add(phrases, new Phrase(word, false), BAD_WORDS);
        }
        for (int[] ids : idSequences(settings, tokenizer)) {
            String text = tokenizer.detokenize(ids, false);
            if (!text.isEmpty()) {
                add(phrases, new Phrase(text, false), PHRASE_IDS);
            }
        }
        if (phrases.size() + characters.size() > MAX_PHRASES) {
            throw ApiException.badRequest(BANNED_TOKENS, "At most " + MAX_PHRASES + " banned strings may be given in all.");
        }
        if (!characters.isEmpty()) {
            tokens = tokensContaining(characters, tokenizer);
        }
        if (phrases.isEmpty() && tokens.isEmpty()) {
            return NONE;
        }
        return new BannedPhrases(phrases, tokens.stream().mapToInt(Integer::intValue).toArray());
    }

    private static void add(List<Phrase> phrases, Phrase phrase, String field) {
        if (phrase.text.length() > MAX_LENGTH) {
            throw ApiException.badRequest(field, "'" + field + "' holds a phrase of " + phrase.text.length()
                    + " characters; at most " + MAX_LENGTH + " are allowed.");
        }
        if (phrases.size() >= MAX_PHRASES) {
            throw ApiException.badRequest(field, "'" + field + "' brings the banned phrases to more than " + MAX_PHRASES + ".");
        }
        phrases.add(phrase);
    }

    private static List<String> strings(SamplerSettings settings, String field) {
        Object value = settings.value(field).orElse(null);
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            throw ApiException.badRequest(field, "'" + field + "' must be a list of strings.");
        }
        if (list.size() > MAX_PHRASES) {
            throw ApiException.badRequest(field, "'" + field + "' holds " + list.size() + " entries; at most " + MAX_PHRASES
                    + " are allowed.");
        }
        List<String> words = new ArrayList<>();
        for (Object item : list) {
            if (!(item instanceof String word)) {
                throw ApiException.badRequest(field, "'" + field + "' must be a list of strings.");
            }
            if (!word.isEmpty()) {
                words.add(word);
            }
        }
        return words;
    }

    private static List<int[]> idSequences(SamplerSettings settings, Tokenizer tokenizer) {
        Object value = settings.value(PHRASE_IDS).orElse(null);
        if (value == null) {
            return List.of();
        }
        int vocabulary = tokenizer.vocabularySize();
        String shape = "'" + PHRASE_IDS + "' must be a list of token id lists, such as [[123, 456]].";
        if (!(value instanceof List<?> list)) {
            throw ApiException.badRequest(PHRASE_IDS, shape);
        }
        if (list.size() > MAX_PHRASES) {
            throw ApiException.badRequest(PHRASE_IDS, "'" + PHRASE_IDS + "' holds " + list.size() + " entries; at most "
                    + MAX_PHRASES + " are allowed.");
        }
        List<int[]> sequences = new ArrayList<>();
        for (Object item : list) {
            if (!(item instanceof List<?> ids) || ids.isEmpty() || ids.size() > MAX_LENGTH) {
                throw ApiException.badRequest(PHRASE_IDS, shape);
            }
            int[] sequence = new int[ids.size()];
            for (int i = 0; i < sequence.length; i++) {
                if (!(ids.get(i) instanceof Integer id) || id < 0 || id >= vocabulary) {
                    throw ApiException.badRequest(PHRASE_IDS, "'" + PHRASE_IDS + "' holds " + ids.get(i)
                            + ", which is not a token id of this model (0 to " + (vocabulary - 1) + ").");
                }
                sequence[i] = id;
            }
            sequences.add(sequence);
        }
        return sequences;
    }

    /** KoboldCpp's ban of single characters: every token whose text holds one of them, in any case. */
    private static List<Integer> tokensContaining(List<Character> characters, Tokenizer tokenizer) {
        List<Integer> ids = new ArrayList<>();
        int[] one = new int[1];
        for (int id = 0; id < tokenizer.vocabularySize(); id++) {
            one[0] = id;
            String text = tokenizer.detokenize(one, true);
            for (int i = 0; i < text.length(); i++) {
                if (characters.contains(Character.toLowerCase(text.charAt(i)))) {
                    ids.add(id);
                    break;
                }
            }
        }
        return ids;
    }

    public boolean isEmpty() {
        return phrases.isEmpty() && bannedTokens.length == 0;
    }

    /** Whether any phrase needs watching in the text (single-character bans act on tokens alone). */
    public boolean watchesText() {
        return !phrases.isEmpty();
    }

    /** Token ids that may never be sampled. */
    public int[] bannedTokens() {
        return bannedTokens.clone();
    }

    /** Finds phrases in {@code text} that start at {@code from} or later. */
    public Scan scan(CharSequence text, int from) {
        int holdFrom = text.length();
        for (int start = from; start < text.length(); start++) {
            List<Phrase> candidates = byFirst.get(Character.toLowerCase(text.charAt(start)));
            if (candidates == null) {
                continue;
            }
            for (Phrase phrase : candidates) {
                int compared = Math.min(phrase.text.length(), text.length() - start);
                if (!matches(text, start, phrase, compared)) {
                    continue;
                }
                if (compared == phrase.text.length()) {
                    return new Scan(start, start);
                }
                holdFrom = Math.min(holdFrom, start);
            }
        }
        return new Scan(-1, holdFrom);
    }

    private static boolean matches(CharSequence text, int start, Phrase phrase, int length) {
        for (int i = 0; i < length; i++) {
            char a = text.charAt(start + i);
            char b = phrase.text.charAt(i);
            if (a != b && !(phrase.ignoreCase && sameIgnoringCase(a, b))) {
                return false;
            }
        }
        return true;
    }

    private static boolean sameIgnoringCase(char a, char b) {
        char upperA = Character.toUpperCase(a);
        char upperB = Character.toUpperCase(b);
        return upperA == upperB || Character.toLowerCase(upperA) == Character.toLowerCase(upperB);
    }
}
