package koboldj.text.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class EngineDefaultsTest {

    @Test
    void aSmallModelGetsALanePerSlotDecodedOnEveryCore() {
        assertEquals(4, EngineDefaults.lanes(4, 260_000));
        assertEquals(8, EngineDefaults.lanes(8, 135_000_000));
        assertEquals(2, EngineDefaults.laneThreads(2, 4, 0));
        assertEquals(2, EngineDefaults.laneThreads(8, 8, 4));
        assertEquals(1, EngineDefaults.laneThreads(2, 4, 2));
        assertEquals(1, EngineDefaults.laneThreads(8, 1, 0));
        assertEquals(3, EngineDefaults.laneThreads(16, 3, 0));
    }

    @Test
    void aLargeModelKeepsEverySlotInOneContext() {
        assertEquals(1, EngineDefaults.lanes(4, EngineDefaults.SMALL_MODEL_PARAMETERS));
        assertEquals(1, EngineDefaults.lanes(16, 7_000_000_000L));
    }

    @Test
    void decodingLeavesACoreToTheServerAndPromptsUseThemAll() {
        assertEquals(1, EngineDefaults.forDecode(2, 1));
        assertEquals(1, EngineDefaults.forDecode(1, 1));
        assertEquals(7, EngineDefaults.forDecode(8, 1));
        assertEquals(1, EngineDefaults.forDecode(2, 2));
        assertEquals(3, EngineDefaults.forDecode(8, 2));
        assertEquals(2, EngineDefaults.forPrompt(2));
    }
}
