package koboldj.text.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class TextCutTest {

    private static int utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    @Test
    void aTextNoLongerThanTheCutIsKeptWhole() {
        String text = "Once upon a time";
        assertSame(text, TextCut.last(text, 16));
        assertSame(text, TextCut.first(text, 100));
    }

    @Test
    void theEndBeginsAtTheWhitespaceBeforeTheCutSoNoWordIsSplit() {
        String text = "alpha beta gamma delta";
        // 7 bytes from the end fall inside "gamma": the end moves back to the space before it
        assertEquals(" gamma delta", TextCut.last(text, 7));
        assertEquals("alpha beta", TextCut.first(text, 8));
    }

    @Test
    void aCutWithoutWhitespaceNearFallsOnACharacterBoundaryAndHoldsTheBytesAskedFor() {
        // 2-, 3- and 4-byte characters (the last a surrogate pair) without any space
        String text = "é€😀".repeat(500);
        for (int bytes = 1; bytes < 200; bytes++) {
            String end = TextCut.last(text, bytes);
            String front = TextCut.first(text, bytes);
            assertTrue(utf8(end) >= bytes && utf8(end) < bytes + 4, "end of " + bytes + ": " + utf8(end));
            assertTrue(utf8(front) >= bytes && utf8(front) < bytes + 4, "front of " + bytes + ": " + utf8(front));
            assertTrue(text.endsWith(end) && text.startsWith(front));
            assertTrue(!Character.isLowSurrogate(end.charAt(0)), "no half pair at the start of the end");
            assertTrue(!Character.isHighSurrogate(front.charAt(front.length() - 1)), "no half pair at the end of the front");
        }
    }

    @Test
    void aHugeTextCostsOnlyTheCut() {
        String text = "x".repeat(50_000_000);
        long started = System.nanoTime();
        for (int i = 0; i < 1000; i++) {
            TextCut.last(text, 4096);
        }
        assertTrue(System.nanoTime() - started < 2_000_000_000L, "the text before the cut is never read");
    }
}
