package koboldj.nativelib.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;

import org.junit.jupiter.api.Test;

class PrivateCopyTest {

    @Test
    void aPrivateCopyIsAnotherMappingOfTheLibrary() {
        MemorySegment shared = LlamaLibrary.lookup().findOrThrow("ggml_init");
        SymbolLookup image = LlamaLibrary.privateCopy("imagetest");
        MemorySegment mine = image.findOrThrow("ggml_init");
        // another address of the same function: the code, and so its statics, are mapped twice
        assertNotEquals(shared.address(), mine.address());
        assertNotEquals(System.getProperty(privateKeyOf("imagetest")), null);
    }

    @Test
    void theSameOwnerGetsTheSameCopy() {
        SymbolLookup first = LlamaLibrary.privateCopy("imagetest2");
        assertSame(first, LlamaLibrary.privateCopy("imagetest2"));
        assertEquals(first.findOrThrow("ggml_init").address(),
                LlamaLibrary.privateCopy("imagetest2").findOrThrow("ggml_init").address());
        assertNotEquals(first.findOrThrow("ggml_init").address(),
                LlamaLibrary.privateCopy("imagetest3").findOrThrow("ggml_init").address());
    }

    @Test
    void anOwnerNameIsPlain() {
        assertThrows(IllegalArgumentException.class, () -> LlamaLibrary.privateCopy("../x"));
    }

    private static String privateKeyOf(String owner) {
        return System.getProperties().stringPropertyNames().stream()
                .filter(key -> key.startsWith(LlamaLibrary.PRIVATE_PROPERTY + owner + "."))
                .findFirst().orElse("none");
    }
}
