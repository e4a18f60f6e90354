package koboldj.text.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class EngineDefaultsTest {

    @Test
    void aSmallModelGetsALanePerSlotDecodedOnEveryCore() {
        assertEquals(4, EngineDefaults.lanes(4, 260_000, 8192, 4 * 8192));
        assertEquals(8, EngineDefaults.lanes(8, 135_000_000, 512, 8 * 512));
        assertEquals(2, EngineDefaults.laneThreads(2, 4, 0));
        assertEquals(2, EngineDefaults.laneThreads(8, 8, 4));
        assertEquals(1, EngineDefaults.laneThreads(2, 4, 2));
        assertEquals(1, EngineDefaults.laneThreads(8, 1, 0));
        assertEquals(3, EngineDefaults.laneThreads(16, 3, 0));
    }

    @Test
    void aLargeModelKeepsEverySlotInOneContext() {
        assertEquals(1, EngineDefaults.lanes(4, EngineDefaults.SMALL_MODEL_PARAMETERS, 8192, 4 * 8192));
        assertEquals(1, EngineDefaults.lanes(16, 7_000_000_000L, 8192, 16 * 8192));
    }

    @Test
    void aSmallModelGetsALanePerContextItsBudgetHolds() {
        assertEquals(2, EngineDefaults.lanes(4, 135_000_000, 8192, 2 * 8192));
        assertEquals(1, EngineDefaults.lanes(4, 135_000_000, 8192, 8192 + 4000));
        assertEquals(1, EngineDefaults.lanes(1, 135_000_000, 8192, 8192));
    }

    @Test
    void theKvBudgetIsAContextPerSlotWhereThatCostsLittleElseTwoContexts() {
        // stories260K: 640 bytes a token, 21 MB for 4 x 8192
        assertEquals(4 * 8192, EngineDefaults.kvBudget(0, 4, 8192, 640));
        // the 125M shape: 36 KB a token
        assertEquals(2 * 8192, EngineDefaults.kvBudget(0, 4, 8192, 36_864));
        assertEquals(2 * 8192, EngineDefaults.kvBudget(0, 16, 8192, 36_864), "no longer grows with --parallel");
        assertEquals(8192, EngineDefaults.kvBudget(0, 1, 8192, 36_864), "never more than a context per slot");
        assertEquals(2 * 8192, EngineDefaults.kvBudget(0, 4, 8192, 0), "unknown size: shared");
    }

    @Test
    void aGivenKvBudgetHoldsAtLeastOneContextAndAtMostOnePerSlot() {
        assertEquals(10_000, EngineDefaults.kvBudget(10_000, 4, 8192, 36_864));
        assertEquals(8192, EngineDefaults.kvBudget(100, 4, 8192, 36_864));
        assertEquals(4 * 8192, EngineDefaults.kvBudget(1_000_000, 4, 8192, 36_864));
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

    @Test
    void aLaneDecodingAloneUsesEveryCoreForAModelOfRealSize() {
        assertEquals(2, EngineDefaults.forSoloDecode(2, 134_000_000, 1), "125M shape, 2 cores");
        assertEquals(8, EngineDefaults.forSoloDecode(8, 336_000_000, 7), "400M shape, 8 cores");
        assertEquals(1, EngineDefaults.forSoloDecode(2, 260_000, 1), "stories260K keeps one thread");
        assertEquals(3, EngineDefaults.forSoloDecode(8, 260_000, 3), "a tiny model keeps its shared count");
    }
}
