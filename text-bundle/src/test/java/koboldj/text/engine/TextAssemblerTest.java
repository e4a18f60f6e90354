package koboldj.text.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

class TextAssemblerTest {

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
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
}
