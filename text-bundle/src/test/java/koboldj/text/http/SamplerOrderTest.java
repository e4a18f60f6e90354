package koboldj.text.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import koboldj.api.error.ApiException;

class SamplerOrderTest {

    @Test
    void aRepeatedSamplerKeepsItsFirstPlace() {
        List<String> order = SamplerOrder.kobold(List.of(6, 0, 6, "top_k", 5, 0), Map.of());
        assertEquals(List.of("token_bans", "logit_bias", "dry", "no_repeat_ngram_size", "nsigma", "epsilon_eta", "rep_pen",
                "presence_frequency_penalty", "top_k", "smoothing", "temperature", "xtc", "skew"), order);
    }

    @Test
    void anOrderOfAHundredThousandNamesIsRefusedAtOnce() {
        List<Object> names = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            names.add("sampler" + i);
        }
        long started = System.nanoTime();
        ApiException kobold = assertThrows(ApiException.class, () -> SamplerOrder.kobold(names, Map.of()));
        ApiException aphrodite = assertThrows(ApiException.class, () -> SamplerOrder.aphrodite(names, Map.of()));
        assertTrue(System.nanoTime() - started < 1_000_000_000L);
        assertEquals("sampler_order", kobold.param());
        assertEquals("sampler_priority", aphrodite.param());
        assertTrue(kobold.getMessage().contains("at most " + SamplerOrder.MAX_ENTRIES), kobold.getMessage());
    }

    @Test
    void theLongestOrderAllowedIsReadInLinearTime() {
        List<Object> names = new ArrayList<>();
        for (int i = 0; i < SamplerOrder.MAX_ENTRIES; i++) {
            names.add("plugin" + i);
        }
        assertEquals(SamplerOrder.MAX_ENTRIES + 8, SamplerOrder.kobold(names, Map.of()).size());
    }

    @Test
    void aHugeNameIsRefusedWithoutEchoingIt() {
        String huge = "n".repeat(1_000_000);
        ApiException refused = assertThrows(ApiException.class, () -> SamplerOrder.kobold(List.of(huge), Map.of()));
        assertTrue(refused.getMessage().length() < 500, "the answer does not carry the megabyte back");
    }
}
