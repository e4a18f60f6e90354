package koboldj.websearch.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ExcerptTest {
    private static final String TEXT = "The lighthouse was lit in 1871. Keepers wound its clockwork every four hours. "
            + "In 1932 the tower was painted red. The colour stayed visible in snow. A restoration ended in 2019. "
            + "The old lens is in the museum.";

    @Test
    void aShortTextIsKeptWhole() {
        assertEquals(TEXT, Excerpt.of(TEXT, "", TEXT.length()));
    }

    @Test
    void cutsAtTheLastSentenceThatFits() {
        assertEquals("The lighthouse was lit in 1871. Keepers wound its clockwork every four hours.", Excerpt.of(TEXT, "", 90));
        assertEquals("The lighthouse was lit in 1871.", Excerpt.of(TEXT, "", 40));
    }

    @Test
    void beginsWithTheSentenceWhereTheSnippetIs() {
        String excerpt = Excerpt.of(TEXT, "... the tower was painted red. The colour stayed ...", 80);
        assertEquals("In 1932 the tower was painted red. The colour stayed visible in snow.", excerpt);
    }

    @Test
    void aSnippetNearTheEndStillFillsTheExcerpt() {
        String excerpt = Excerpt.of(TEXT, "The old lens is in the museum", 70);
        assertTrue(excerpt.endsWith("The old lens is in the museum."), excerpt);
        assertTrue(excerpt.startsWith("A restoration") || excerpt.startsWith("The colour"), excerpt);
        assertTrue(excerpt.length() <= 70, excerpt);
    }

    @Test
    void aSentenceLongerThanTheLimitIsCutAtAWord() {
        String text = "word ".repeat(100).strip() + ".";
        String excerpt = Excerpt.of(text, "", 42);
        assertTrue(excerpt.endsWith("word…"), excerpt);
        assertTrue(excerpt.length() <= 43, excerpt);
    }

    @Test
    void paragraphsEndSentencesToo() {
        String text = "Heading without a stop\nA first paragraph that goes on. And on and on and on and on and on.";
        assertEquals("Heading without a stop\nA first paragraph that goes on.", Excerpt.of(text, "", 60));
    }
}
