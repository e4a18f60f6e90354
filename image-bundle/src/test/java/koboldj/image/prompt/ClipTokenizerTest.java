package koboldj.image.prompt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Token ids published for Hugging Face's CLIPTokenizer and OpenAI/open_clip's SimpleTokenizer. */
class ClipTokenizerTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "a photograph of an astronaut riding a horse | 320 8853 539 550 18376 6765 320 4558",
            "A photograph of an astronaut riding a horse | 320 8853 539 550 18376 6765 320 4558",
            "a photo of a cat | 320 1125 539 320 2368",
            "a photo of a dog | 320 1125 539 320 1929",
            "hello world | 3306 1002",
            "Hello   World | 3306 1002",
            "Hello World! | 3306 1002 256",
            "hello world? | 3306 1002 286",
            "'it''s a cat''s toy, running   fast' | 585 568 320 2368 568 5988 267 2761 1953",
            "'grandma''s 2 birthday cakes' | 10525 568 273 1166 5950",
            "café au lait | 15304 2566 572 585",
            "'snow-capped mountains, 4k' | 2583 268 24659 5873 267 275 330",
            "Hello World 123 | 3306 1002 272 273 274",
            "a cat & a dog | 320 2368 261 320 1929",
            "sunset over the beach | 3424 962 518 2117",
            "person working at a computer | 2533 1699 536 320 11639 652",
            "a photo of a car! | 320 1125 539 320 1615 256",
            "'  ' | ",
    })
    void encodesAsPublished(String text, String expected) {
        int[] ids = expected == null ? new int[0] : Arrays.stream(expected.trim().split(" ")).mapToInt(Integer::parseInt).toArray();
        assertArrayEquals(ids, ClipTokenizer.shared().encode(text), text);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"🎂", "日本語のテキスト", "\u0000\u0001\u007f", "ünïcödé àccents"})
    void encodesAnyTextToIdsInTheVocabulary(String text) {
        int[] ids = ClipTokenizer.shared().encode(text);
        assertTrue(ids.length > 0, text);
        assertTrue(IntStream.of(ids).allMatch(id -> id >= 0 && id < 49406), Arrays.toString(ids));
    }
}
