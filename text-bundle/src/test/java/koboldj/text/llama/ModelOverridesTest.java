package koboldj.text.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import koboldj.text.TestModel;

/** --overridekv and --moeexperts on the test model (a llama without experts). */
class ModelOverridesTest {

    private static LlamaModel load(List<KvOverride> overrides, int moeExperts) {
        return LlamaModel.load(TestModel.path(), 256, new ModelLoadOptions(true, false, overrides, moeExperts), p -> { });
    }

    @Test
    void theLayoutIsLlamaCppsStruct() {
        assertEquals(264, KvOverride.LAYOUT.byteSize());
        assertEquals(4, KvOverride.LAYOUT.byteOffset(java.lang.foreign.MemoryLayout.PathElement.groupElement("key")));
        assertEquals(136, KvOverride.LAYOUT.byteOffset(java.lang.foreign.MemoryLayout.PathElement.groupElement("value")));
    }

    @Test
    void anOverrideReplacesTheFilesValue() {
        try (LlamaModel model = load(List.of(KvOverride.parse("llama.context_length=int:1234")), -1)) {
            assertEquals(1234, model.descriptor().trainedContextLength());
        }
        try (LlamaModel model = load(List.of(), -1)) {
            assertEquals(2048, model.descriptor().trainedContextLength(), "the file's own");
        }
    }

    @Test
    void anOverrideOfTheWrongTypeIsIgnored() {
        // llama.cpp logs that the types differ and keeps the file's value
        try (LlamaModel model = load(List.of(KvOverride.parse("llama.context_length=str:long")), -1)) {
            assertEquals(2048, model.descriptor().trainedContextLength());
        }
    }

    @Test
    void expertsAreCheckedAgainstTheModel() {
        try (LlamaModel model = load(List.of(), 2)) {
            assertTrue(model.parameterCount() > 0, "--moeexperts does not apply to a model without experts");
        }
        LlamaException used = assertThrows(LlamaException.class,
                () -> load(List.of(KvOverride.parse("llama.expert_used_count=int:2")), -1));
        assertTrue(used.getMessage().contains("has 0 experts"), used.getMessage());
        assertThrows(LlamaException.class, () -> load(List.of(KvOverride.parse("llama.expert_count=int:8")), -1));
    }

    @Test
    void badOverridesNeverReachNativeCode() {
        assertThrows(IllegalArgumentException.class, () -> KvOverride.parse("novalue"));
        assertThrows(IllegalArgumentException.class, () -> KvOverride.parse("k=long:1"));
        assertThrows(IllegalArgumentException.class, () -> KvOverride.parse("k=int:x"));
        assertThrows(IllegalArgumentException.class, () -> KvOverride.parse("k=bool:yes"));
        assertThrows(IllegalArgumentException.class, () -> KvOverride.parse("k=float:NaN"));
        assertThrows(IllegalArgumentException.class, () -> KvOverride.parse("k=str:" + "x".repeat(128)));
        assertThrows(IllegalArgumentException.class, () -> KvOverride.parse("x".repeat(128) + "=int:1"));
        assertEquals(new KvOverride("a.b", KvOverride.Type.STR, "c:d"), KvOverride.parse("a.b=str:c:d"));
    }
}
