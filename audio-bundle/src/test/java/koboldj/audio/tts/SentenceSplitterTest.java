package koboldj.audio.tts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class SentenceSplitterTest {
    private final SentenceSplitter splitter = new SentenceSplitter(40);

    @Test
    void sentencesBecomePiecesInOrder() {
        assertEquals(List.of("Hello there.", "How are you?", "Fine!"), splitter.split("Hello there. How are you? Fine!"));
    }

    @Test
    void numbersAndSpacesDoNotCutASentence() {
        assertEquals(List.of("Pi is 3.14 or so.", "Yes."), splitter.split("  Pi is 3.14 or so.   Yes.  "));
    }

    @Test
    void aBlankLineEndsAPieceWithoutPunctuation() {
        assertEquals(List.of("A title", "The text."), splitter.split("A title\n\nThe text."));
    }

    @Test
    void aLongSentenceIsCutAtSpacesAndKeepsEveryWord() {
        String text = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen";
        List<String> pieces = splitter.split(text);
        assertTrue(pieces.size() > 1, pieces.toString());
        pieces.forEach(piece -> assertTrue(piece.length() <= 40, piece));
        assertEquals(text, String.join(" ", pieces));
    }

    @Test
    void aWordLongerThanAPieceIsCutWithoutSplittingACharacter() {
        String text = "a".repeat(39) + "😀" + "b".repeat(10);
        List<String> pieces = splitter.split(text);
        assertEquals(text, String.join("", pieces));
        pieces.forEach(piece -> assertTrue(!Character.isHighSurrogate(piece.charAt(piece.length() - 1)), piece));
    }

    @Test
    void blankTextHasNoPieces() {
        assertEquals(List.of(), splitter.split(" \n\t "));
    }

    @Test
    void aPieceHasAtLeastOneCharacter() {
        assertThrows(IllegalArgumentException.class, () -> new SentenceSplitter(0));
    }
}
