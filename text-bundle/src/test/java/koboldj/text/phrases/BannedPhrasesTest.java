package koboldj.text.phrases;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import koboldj.api.error.ApiException;
import koboldj.api.sampler.SamplerSettings;
import koboldj.text.TestModel;
import koboldj.text.llama.LlamaModel;

/** Parsing and matching of banned phrases, with the real test model's vocabulary. */
class BannedPhrasesTest {
    private static LlamaModel model;

    @BeforeAll
    static void load() {
        model = LlamaModel.load(TestModel.path(), 512, p -> { });
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static BannedPhrases of(Map<String, Object> fields) {
        return BannedPhrases.from(new SamplerSettings(List.of(), fields), model);
    }

    @Test
    void noFieldsNoBans() {
        assertSame(BannedPhrases.NONE, of(Map.of()));
        assertSame(BannedPhrases.NONE, of(Map.of("banned_tokens", List.of(""))));
    }

    @Test
    void koboldPhrasesMatchInAnyCase() {
        BannedPhrases bans = of(Map.of("banned_strings", List.of("Little Girl")));
        assertEquals(new BannedPhrases.Scan(-1, 9), bans.scan("there was", 0));
        assertEquals(new BannedPhrases.Scan(-1, 10), bans.scan("there was LITTLE g", 0), "a beginning is held");
        assertEquals(new BannedPhrases.Scan(10, 10), bans.scan("there was little girls", 0));
        assertEquals(new BannedPhrases.Scan(-1, 22), bans.scan("there was little girls", 11), "only from the given start");
    }

    @Test
    void badWordsMatchExactly() {
        BannedPhrases bans = of(Map.of("bad_words", List.of("Lily")));
        assertEquals(new BannedPhrases.Scan(-1, 4), bans.scan("lily", 0));
        assertEquals(new BannedPhrases.Scan(5, 5), bans.scan("said Lily", 0));
    }

    @Test
    void theEarliestCompletePhraseWinsOverALaterHold() {
        BannedPhrases bans = of(Map.of("banned_tokens", List.of("big red", "red ball")));
        assertEquals(new BannedPhrases.Scan(4, 4), bans.scan("the red ball is big re", 0));
        assertEquals(new BannedPhrases.Scan(3, 3), bans.scan("so big red", 0));
    }

    @Test
    void tokenIdPhrasesBecomeText() {
        int[] ids = model.tokenize(" little girl", false, false);
        List<Integer> list = new ArrayList<>();
        for (int id : ids) {
            list.add(id);
        }
        BannedPhrases bans = of(Map.of("banned_phrases_token_ids", List.of(list)));
        String text = model.detokenize(ids, false);
        assertTrue(text.endsWith("little girl"), text);
        assertEquals(2, bans.scan("ab" + text, 0).matchAt(), "found where it begins");
    }

    @Test
    void aSingleCharacterBansEveryTokenHoldingIt() {
        String single = "";
        for (char c = 'a'; c <= 'z' && single.isEmpty(); c++) {
            if (model.tokenize(String.valueOf(c), false, false).length == 1) {
                single = String.valueOf(c);
            }
        }
        assertFalse(single.isEmpty(), "some letter is one token");
        String letter = single;
        BannedPhrases bans = of(Map.of("banned_tokens", List.of(letter.toUpperCase())));
        assertFalse(bans.watchesText());
        int[] banned = bans.bannedTokens();
        assertTrue(banned.length > 0);
        for (int id : banned) {
            assertTrue(model.detokenize(new int[] {id}, true).toLowerCase().contains(letter));
        }
    }

    @Test
    void badInputNamesTheField() {
        assertEquals("banned_tokens", assertThrows(ApiException.class, () -> of(Map.of("banned_tokens", "abc"))).param());
        assertEquals("bad_words", assertThrows(ApiException.class, () -> of(Map.of("bad_words", List.of(1)))).param());
        assertEquals("banned_phrases_token_ids",
                assertThrows(ApiException.class, () -> of(Map.of("banned_phrases_token_ids", List.of(List.of(99999))))).param());
        List<String> many = Collections.nCopies(BannedPhrases.MAX_PHRASES + 1, "slop");
        assertEquals("banned_strings", assertThrows(ApiException.class, () -> of(Map.of("banned_strings", many))).param());
        assertEquals("bad_words", assertThrows(ApiException.class,
                () -> of(Map.of("bad_words", List.of("x".repeat(BannedPhrases.MAX_LENGTH + 1))))).param());
    }
}
