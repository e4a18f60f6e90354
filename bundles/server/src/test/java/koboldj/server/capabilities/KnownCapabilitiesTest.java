package koboldj.server.capabilities;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import koboldj.api.capability.CapabilityDescriptor;
import koboldj.api.capability.KoboldCppKeys;

class KnownCapabilitiesTest {

    @Test
    void koboldCppsKeysAreAllKnownOnceEachWithAHintNamingAFlag() {
        List<String> keys = KnownCapabilities.all().stream().map(CapabilityDescriptor::key).toList();
        assertEquals(List.of(KoboldCppKeys.TEXT, KoboldCppKeys.EMBEDDINGS, KoboldCppKeys.IMAGE, KoboldCppKeys.VISION,
                KoboldCppKeys.TRANSCRIBE, KoboldCppKeys.TTS, KoboldCppKeys.WEBSEARCH, KoboldCppKeys.SAVEDATA,
                KoboldCppKeys.MULTIPLAYER, KoboldCppKeys.ADMIN), keys);
        KnownCapabilities.all().forEach(known -> assertTrue(known.enableHint().contains("--"), known.key()));
    }

    @Test
    void aPresentBundleDescribesItsKnownCapabilityAndPluginsFollowTheKnownOnes() {
        CapabilityDescriptor newerImage = CapabilityDescriptor.of(KoboldCppKeys.IMAGE, "a newer image bundle", "/sdapi/v2/");
        CapabilityDescriptor echo = CapabilityDescriptor.of("echo", "the echo bundle", "/echo/");
        Map<String, CapabilityDescriptor> present = new LinkedHashMap<>();
        present.put("echo", echo);
        present.put(KoboldCppKeys.IMAGE, newerImage);

        List<CapabilityDescriptor> all = KnownCapabilities.withPresent(present);
        assertEquals(KnownCapabilities.all().size() + 1, all.size());
        assertEquals(newerImage, all.get(2));
        assertEquals(echo, all.getLast());
        assertEquals(KnownCapabilities.byKey(KoboldCppKeys.TEXT).orElseThrow(), all.getFirst());
    }

    @Test
    void routesBelongToTheirCapability() {
        List<CapabilityDescriptor> all = KnownCapabilities.withPresent(Map.of());
        for (String[] route : new String[][] {{"/api/v1/generate", "llm"}, {"/api/extra/generate/stream", "llm"},
                {"/v1/chat/completions", "llm"}, {"/sdapi/v1/txt2img", "txt2img"}, {"/api/admin/reload_config", "admin"},
                {"/v1/embeddings", "embeddings"}, {"/api/extra/data/list", "savedata"}, {"/v1/audio/speech", "tts"}}) {
            assertEquals(route[1], all.stream().filter(d -> d.owns(route[0])).findFirst().orElseThrow().key(), route[0]);
        }
        for (String path : new String[] {"/api/v1/generatex", "/api/extra/version", "/nope"}) {
            assertTrue(all.stream().noneMatch(d -> d.owns(path)), path);
        }
    }

    @Test
    void theLongestRouteOwnsAPath() {
        assertEquals(KoboldCppKeys.IMAGE, KnownCapabilities.owner(KnownCapabilities.all(), "/v1/models/image-models")
                .orElseThrow().key());
        assertEquals(KoboldCppKeys.TEXT, KnownCapabilities.owner(KnownCapabilities.all(), "/v1/models/some-model")
                .orElseThrow().key());
        assertEquals(KoboldCppKeys.IMAGE, KnownCapabilities.owner(KnownCapabilities.all(), "/sdapi/v1/txt2img")
                .orElseThrow().key());
        assertTrue(KnownCapabilities.owner(KnownCapabilities.all(), "/nothing/here").isEmpty());
    }
}
