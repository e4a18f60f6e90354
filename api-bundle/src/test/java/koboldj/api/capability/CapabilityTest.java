package koboldj.api.capability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

class CapabilityTest {

    @Test
    void routesMapToTheirCapability() {
        assertEquals(Optional.of(Capability.TEXT), Capability.owning("/api/v1/generate"));
        assertEquals(Optional.of(Capability.TEXT), Capability.owning("/api/extra/generate/stream"));
        assertEquals(Optional.of(Capability.TEXT), Capability.owning("/v1/chat/completions"));
        assertEquals(Optional.of(Capability.IMAGE), Capability.owning("/sdapi/v1/txt2img"));
        assertEquals(Optional.of(Capability.ADMIN), Capability.owning("/api/admin/reload_config"));
        assertEquals(Optional.of(Capability.EMBEDDINGS), Capability.owning("/v1/embeddings"));
    }

    @Test
    void similarPrefixesDoNotMatch() {
        assertEquals(Optional.empty(), Capability.owning("/api/v1/generatex"));
        assertEquals(Optional.empty(), Capability.owning("/api/extra/version"));
        assertEquals(Optional.empty(), Capability.owning("/nope"));
    }

    @Test
    void keysAreUniqueAndHintsNameAFlag() {
        Set<String> keys = new HashSet<>();
        for (Capability capability : Capability.values()) {
            assertTrue(keys.add(capability.key()), capability.key());
            assertTrue(capability.enableHint().contains("--"), capability.name());
            assertEquals(Optional.of(capability), Capability.byKey(capability.key()));
        }
    }
}
