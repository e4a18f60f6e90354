package koboldj.text.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import koboldj.api.error.ApiException;

/** logits_processors and extra_args turned into the sampler order and parameters. */
class SamplerPluginsTest {

    @Test
    void processorsRunAfterTheBansAndTheBiasBeforeTheRest() {
        Map<String, Object> parameters = new HashMap<>(Map.of("logits_processors", List.of("forbid", "top_k")));
        List<String> processors = SamplerPlugins.read(parameters);
        assertEquals(List.of("forbid", "top_k"), processors);
        assertEquals(List.of("token_bans", "logit_bias", "forbid", "top_k", "dry", "temperature"),
                SamplerPlugins.ordered(List.of("token_bans", "logit_bias", "dry", "top_k", "temperature"), processors),
                "a sampler the order names already moves to the processors' place");
        List<String> order = List.of("token_bans", "logit_bias", "top_k");
        assertEquals(order, SamplerPlugins.ordered(order, SamplerPlugins.read(new HashMap<>())));
    }

    @Test
    void extraArgsAndKwargsBecomeParameters() {
        Map<String, Object> parameters = new HashMap<>();
        parameters.put("extra_args", Map.of("forbid", "e", "top_k", 5));
        parameters.put("top_k", 5);
        parameters.put("logits_processors", List.of(Map.of("qualname", "other", "kwargs", Map.of("strength", 2))));
        assertEquals(List.of("other"), SamplerPlugins.read(parameters));
        assertEquals("e", parameters.get("forbid"));
        assertEquals(2, parameters.get("strength"));
        assertEquals(List.of("other"), parameters.get("logits_processors"), "the names, for the catalog's error");
    }

    @Test
    void badValuesAreRefusedNamingTheField() {
        List<Map<String, Object>> bad = List.of(Map.of("logits_processors", "forbid"), Map.of("logits_processors", List.of(3)),
                Map.of("logits_processors", List.of(" ")),
                Map.of("logits_processors", List.of(Map.of("qualname", "x", "args", List.of(1)))),
                Map.of("extra_args", List.of("a")), Map.of("extra_args", Map.of("top_k", 3), "top_k", 4));
        for (Map<String, Object> fields : bad) {
            ApiException e = assertThrows(ApiException.class, () -> SamplerPlugins.read(new HashMap<>(fields)));
            String expected = fields.containsKey("extra_args") ? "extra_args" : "logits_processors";
            assertEquals(expected, e.param(), fields.toString());
        }
    }
}
