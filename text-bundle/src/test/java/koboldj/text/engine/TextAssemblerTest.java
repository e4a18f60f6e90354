package koboldj.text.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import koboldj.api.sampler.SamplerSettings;
import koboldj.text.phrases.BannedPhrases;

class TextAssemblerTest {

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A beam search's child beam: the copy goes on from the same state, by itself. */
    @Test
    void aCopyGoesOnFromTheSameStateWithoutTouchingTheOriginal() {
        TextAssembler parent = new TextAssembler(List.of("END"), true);
        byte[] smile = b("😀");
        parent.add(b("a "));
        parent.add(new byte[] {smile[0], smile[1]});
        TextAssembler child = parent.copy();
        assertEquals("😀", child.add(new byte[] {smile[2], smile[3]}), "the copy holds the first half of the character");
        assertEquals("", child.add(b("E")), "held back: it may start the stop sequence");
        child.add(b("ND"));
        assertTrue(child.stopped());
        assertEquals("a 😀", child.text());
        assertFalse(parent.stopped());
        assertEquals("x", parent.add(b("x")).substring(1), "the original goes on with its own half character");
        assertEquals("", parent.finish());
        assertFalse(parent.text().contains("😀") || parent.text().contains("E"), parent.text());
    }

    @Test
    void neverSplitsAUtf8Character() {
        TextAssembler assembler = new TextAssembler(List.of(), true);
        byte[] smile = b("😀"); // four bytes, arriving in three tokens
        assertEquals("a", assembler.add(b("a")));
        assertEquals("", assembler.add(new byte[] {smile[0]}));
        assertEquals("", assembler.add(new byte[] {smile[1], smile[2]}));
        assertEquals("😀b", assembler.add(new byte[] {smile[3], 'b'}));
        assertEquals("é", assembler.add(b("é")));
        assertEquals("", assembler.finish());
        assertEquals("a😀bé", assembler.text());
    }

    @Test
    void unfinishedCharacterAtTheEndBecomesAReplacementCharacter() {
        TextAssembler assembler = new TextAssembler(List.of(), true);
        assembler.add(new byte[] {'x', (byte) 0xe2, (byte) 0x82});
        assertEquals("\ufffd", assembler.finish());
    }

    @Test
    void stopSequenceIsHeldBackThenTrimmed() {
        TextAssembler assembler = new TextAssembler(List.of("\nUser:"), true);
        assertEquals("Hello", assembler.add(b("Hello")));
        assertEquals("", assembler.add(b("\nUs")));
        assertFalse(assembler.stopped());
        assertEquals("", assembler.add(b("er: hi")));
        assertTrue(assembler.stopped());
        assertEquals("Hello", assembler.text());
        assertEquals("\nUser:", assembler.matchedStop());
        assertEquals("", assembler.add(b("more")), "nothing after a stop");
    }

    @Test
    void stopSequenceKeptWhenNotTrimmed() {
        TextAssembler assembler = new TextAssembler(List.of("END"), false);
        assertEquals("abc", assembler.add(b("abc")));
        assertEquals("END", assembler.add(b("ENDxyz")));
        assertEquals("abcEND", assembler.text());
    }

    @Test
    void heldTextIsReleasedWhenItCannotBecomeAStop() {
        TextAssembler assembler = new TextAssembler(List.of("###"), true);
        assertEquals("a", assembler.add(b("a##")));
        assertEquals("##b", assembler.add(b("b")));
        assertEquals("c", assembler.add(b("c#")));
        assertEquals("#", assembler.finish());
        assertEquals("a##bc#", assembler.text());
    }

    @Test
    void theEarliestStopWins() {
        TextAssembler assembler = new TextAssembler(List.of("b c", "ab"), true);
        assertEquals("x ", assembler.add(b("x a")));
        assertEquals("", assembler.add(b("b c")));
        assertEquals("x ", assembler.text());
        assertEquals("ab", assembler.matchedStop());
    }

    private static TextAssembler withBans(String... phrases) {
        return new TextAssembler(List.of("###"), true, BannedPhrases.from(
                new SamplerSettings(List.of(), Map.of("bad_words", List.of(phrases))), null));
    }

    @Test
    void aPossibleBannedPhraseIsHeldFromTheStartOfItsToken() {
        TextAssembler assembler = withBans("little girl");
        assertEquals("there was", assembler.add(b("there was")));
        assertEquals("", assembler.add(b(" little")), "the whole token is held, its space too");
        assertEquals(-1, assembler.bannedFrom());
        assertEquals("", assembler.add(b(" gi")));
        assertEquals("", assembler.add(b("rl named")));
        assertEquals(1, assembler.bannedFrom(), "the phrase began in the second token");
        assertEquals("there was", assembler.releasedText());
    }

    @Test
    void rollbackForgetsTheTokensAndTheirHeldText() {
        TextAssembler assembler = withBans("little girl");
        assembler.add(b("there was"));
        assembler.add(b(" little"));
        assembler.add(b(" girl"));
        assertEquals(1, assembler.bannedFrom());
        assembler.rollback(1);
        assertEquals(-1, assembler.bannedFrom());
        assertEquals("there was", assembler.text());
        assertEquals(" a", assembler.add(b(" a")));
        assertEquals(" little boy", assembler.add(b(" little boy")), "no longer a possible phrase: released");
        assertEquals("", assembler.finish());
        assertEquals("there was a little boy", assembler.text());
    }

    @Test
    void rollbackRestoresAnUnfinishedCharacter() {
        TextAssembler assembler = withBans("éx");
        byte[] e = b("é");
        assertEquals("ab", assembler.add(b("ab")));
        assertEquals("", assembler.add(new byte[] {e[0]}));
        assertEquals("", assembler.add(new byte[] {e[1], 'x'}));
        assertEquals(2, assembler.bannedFrom(), "the token that completed é is taken back, not the released text");
        assembler.rollback(2);
        assertEquals("ab", assembler.text());
        assertEquals("é!", assembler.add(new byte[] {e[1], '!'}), "the first byte of é is pending again");
    }

    @Test
    void aTextThatCannotBecomeAPhraseIsReleasedAndStopsStillWork() {
        TextAssembler assembler = withBans("red ball");
        assertEquals("a big", assembler.add(b("a big")));
        assertEquals("", assembler.add(b(" red")));
        assertEquals(" red cat", assembler.add(b(" cat")));
        assertEquals("", assembler.add(b("##")));
        assertEquals("", assembler.add(b("#")));
        assertTrue(assembler.stopped());
        assertEquals("a big red cat", assembler.text());
    }

    @Test
    void withPhrasesTextHeldForAStopIsHeldByWholeTokens() {
        TextAssembler assembler = withBans("#x");
        assertEquals("", assembler.add(b("a##")), "'##' might start the stop; its token is held whole");
        assertEquals("", assembler.add(b("x")));
        assertEquals(0, assembler.bannedFrom());
        assembler.rollback(0);
        assertEquals("", assembler.text());
        assertEquals("", assembler.add(b("a#")), "'#' might start the stop and the phrase");
        assertEquals("a#", assembler.finish());
    }
}
