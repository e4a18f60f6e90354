package koboldj.text.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class EngineDefaultsTest {

    @Test
    void aSmallModelGetsALanePerSlotDecodedOnEveryCore() {
        assertEquals(4, EngineDefaults.lanes(4, 260_000, 4096, 4 * 4096, 4));
        assertEquals(8, EngineDefaults.lanes(8, 5_000_000, 512, 8 * 512, 16));
        assertEquals(4, EngineDefaults.lanes(4, EngineDefaults.WEIGHT_BOUND_PARAMETERS - 1, 4096, 4 * 4096, 8));
        assertEquals(2, EngineDefaults.laneThreads(2, 4, 0));
        assertEquals(2, EngineDefaults.laneThreads(8, 8, 4));
        assertEquals(1, EngineDefaults.laneThreads(2, 4, 2));
        assertEquals(1, EngineDefaults.laneThreads(8, 1, 0));
        assertEquals(3, EngineDefaults.laneThreads(16, 3, 0));
    }

    @Test
    void aSmallModelGetsNoMoreLanesThanCores() {
        // each lane is a context with ~28 MB of its own; more lanes than cores never decode at once
        assertEquals(2, EngineDefaults.lanes(4, 260_000, 4096, 4 * 4096, 2));
        assertEquals(1, EngineDefaults.lanes(4, 260_000, 4096, 4 * 4096, 1));
    }

    @Test
    void aModelWhoseStepIsWeightBoundKeepsEverySlotInOneContext() {
        assertEquals(1, EngineDefaults.lanes(4, EngineDefaults.WEIGHT_BOUND_PARAMETERS, 4096, 4 * 4096, 4));
        assertEquals(1, EngineDefaults.lanes(4, 134_000_000, 4096, 4 * 4096, 4), "125M shape: one lane was measured faster");
        assertEquals(1, EngineDefaults.lanes(16, 7_000_000_000L, 8192, 16 * 8192, 16));
    }

    @Test
    void aSmallModelGetsALanePerContextItsBudgetHolds() {
        assertEquals(2, EngineDefaults.lanes(4, 5_000_000, 8192, 2 * 8192, 4));
        assertEquals(1, EngineDefaults.lanes(4, 5_000_000, 8192, 8192 + 4000, 4));
        assertEquals(1, EngineDefaults.lanes(1, 5_000_000, 8192, 8192, 4));
    }

    @Test
    void theKvBudgetIsAContextPerSlotWhereThatCostsLittleElseOneContextAsKoboldCppHolds() {
        // stories260K: 640 bytes a token, 10 MB for 4 x 4096
        assertEquals(4 * 4096, EngineDefaults.kvBudget(0, 4, 4096, 640));
        // the 125M shape: 36 KB a token
        assertEquals(4096, EngineDefaults.kvBudget(0, 4, 4096, 36_864));
        assertEquals(4096, EngineDefaults.kvBudget(0, 16, 4096, 36_864), "does not grow with --parallel");
        assertEquals(4096, EngineDefaults.kvBudget(0, 1, 4096, 36_864));
        assertEquals(4096, EngineDefaults.kvBudget(0, 4, 4096, 0), "unknown size: shared");
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

    @Test
    void modelsWhosePromptsAreCheapToProcessAgainKeepNoIdleSlotsCache() {
        assertEquals(true, EngineDefaults.leanCache(260_000));
        assertEquals(true, EngineDefaults.leanCache(134_000_000), "125M shape: measured faster for one client");
        assertEquals(false, EngineDefaults.leanCache(EngineDefaults.LEAN_CACHE_PARAMETERS));
        assertEquals(false, EngineDefaults.leanCache(336_000_000), "400M shape keeps other users' caches");
    }
}
