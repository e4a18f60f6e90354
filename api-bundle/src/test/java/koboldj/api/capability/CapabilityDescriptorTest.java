package koboldj.api.capability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class CapabilityDescriptorTest {
    private static final CapabilityDescriptor IMAGE = CapabilityDescriptor.of("txt2img", "an image model",
            "/sdapi/v1/", "/v1/txt2img").withApi("a1111", "Automatic1111 API", "/sdapi/v1")
            .withEmptyLists("/sdapi/v1/sd-models");

    @Test
    void ownsItsRoutesAndWhatIsBelowThem() {
        assertTrue(IMAGE.owns("/sdapi/v1/txt2img"));
        assertTrue(IMAGE.owns("/sdapi/v1"));
        assertTrue(IMAGE.owns("/v1/txt2img"));
        assertTrue(IMAGE.owns("/v1/txt2img/x"));
        assertFalse(IMAGE.owns("/v1/txt2imgx"));
        assertFalse(IMAGE.owns("/api/v1/generate"));
    }

    @Test
    void itsPropertiesDescribeItAgain() {
        Map<String, Object> properties = IMAGE.toProperties();
        assertEquals(Optional.of(IMAGE), CapabilityDescriptor.fromProperties(properties::get, key -> Optional.empty()));
    }

    @Test
    void aKnownKeyAloneTakesTheKnownDescriptionAndWhatItSaysBesidesWins() {
        Map<String, Object> onlyKey = Map.of(CapabilityDescriptor.KEY, "txt2img");
        assertEquals(Optional.of(IMAGE), CapabilityDescriptor.fromProperties(onlyKey::get, key -> Optional.of(IMAGE)));
        Map<String, Object> more = Map.of(CapabilityDescriptor.KEY, "txt2img", CapabilityDescriptor.ROUTES,
                new String[] {"/sdapi/v2/"}, CapabilityDescriptor.ENABLE, "a newer image bundle");
        CapabilityDescriptor read = CapabilityDescriptor.fromProperties(more::get, key -> Optional.of(IMAGE)).orElseThrow();
        assertEquals(List.of("/sdapi/v2/"), read.routes());
        assertEquals("a newer image bundle", read.enableHint());
        assertEquals(IMAGE.api(), read.api());
    }

    @Test
    void aPluginNeedsNothingKnownAndGetsAHintNamingItsKey() {
        Map<String, Object> plugin = Map.of(CapabilityDescriptor.KEY, "echo", CapabilityDescriptor.ROUTES, List.of("/echo/"));
        CapabilityDescriptor read = CapabilityDescriptor.fromProperties(plugin::get, key -> Optional.empty()).orElseThrow();
        assertEquals("echo", read.key());
        assertEquals(List.of("/echo/"), read.routes());
        assertTrue(read.enableHint().contains("'echo'"), read.enableHint());
        assertEquals(Optional.empty(), read.api());
    }

    @Test
    void aKeyThatCannotBeAJsonFieldOfOursIsNoCapability() {
        for (Object key : new Object[] {null, "", "Upper", "with space", "x".repeat(65), 7}) {
            Map<String, Object> properties = new java.util.HashMap<>();
            properties.put(CapabilityDescriptor.KEY, key);
            assertEquals(Optional.empty(), CapabilityDescriptor.fromProperties(properties::get, k -> Optional.empty()), "" + key);
        }
        assertThrows(IllegalArgumentException.class, () -> CapabilityDescriptor.of("Bad Key", "x"));
    }
}
