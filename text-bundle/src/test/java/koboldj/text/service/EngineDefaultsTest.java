package koboldj.text.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class EngineDefaultsTest {

    @Test
    void aSmallModelGetsALanePerTwoSlots() {
        assertEquals(2, EngineDefaults.lanes(4, 260_000));
        assertEquals(4, EngineDefaults.lanes(8, 135_000_000));
        assertEquals(1, EngineDefaults.lanes(1, 260_000));
        assertEquals(1, EngineDefaults.lanes(3, 260_000));
    }

    @Test
    void aLargeModelKeepsEverySlotInOneContext() {
        assertEquals(1, EngineDefaults.lanes(4, EngineDefaults.SMALL_MODEL_PARAMETERS));
        assertEquals(1, EngineDefaults.lanes(16, 7_000_000_000L));
    }

    @Test
    void decodingLeavesACoreToTheServerAndPromptsUseThemAll() {
        assertEquals(1, EngineDefaults.forDecode(2));
        assertEquals(1, EngineDefaults.forDecode(1));
        assertEquals(7, EngineDefaults.forDecode(8));
        assertEquals(2, EngineDefaults.forPrompt(2));
    }
}
