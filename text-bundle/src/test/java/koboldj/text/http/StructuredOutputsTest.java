package koboldj.text.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import koboldj.api.error.ApiException;

/** The structured_outputs and guided_decoding objects give the grammar their flat fields give. */
class StructuredOutputsTest {

    private static String grammar(Map<String, Object> fields) {
        return GrammarFields.of(fields).grammar();
    }

    @Test
    void eachMemberIsItsFlatField() {
        assertEquals(grammar(Map.of("guided_regex", "[0-9]+")), grammar(Map.of("structured_outputs", Map.of("regex", "[0-9]+"))));
        assertEquals(grammar(Map.of("guided_choice", List.of("a", "b"))),
                grammar(Map.of("guided_decoding", Map.of("choice", List.of("a", "b"), "backend", "xgrammar"))));
        assertEquals(grammar(Map.of("guided_json", Map.of("type", "integer"))),
                grammar(Map.of("structured_outputs", Map.of("json", Map.of("type", "integer")))));
        assertEquals("root ::= \"x\"", grammar(Map.of("structured_outputs", Map.of("grammar", "root ::= \"x\""))));
        assertEquals(grammar(Map.of("guided_json", Map.of("type", "object"))),
                grammar(Map.of("structured_outputs", Map.of("json_object", true))));
        assertEquals(null, grammar(Map.of("structured_outputs", Map.of("json_object", false, "disable_fallback", false))));
        assertEquals(grammar(Map.of("guided_regex", "a")), grammar(Map.of("guided_regex", "a", "guided_decoding_backend", "outlines")));
    }

    @Test
    void whatCannotBeHonouredIsRefusedNamingTheField() {
        Map<Map<String, Object>, String> bad = Map.of(
                Map.of("structured_outputs", "[0-9]+"), "structured_outputs",
                Map.of("structured_outputs", Map.of("regex", "a"), "guided_decoding", Map.of("regex", "a")), "guided_decoding",
                Map.of("structured_outputs", Map.of("regex", "a"), "guided_regex", "b"), "structured_outputs",
                Map.of("structured_outputs", Map.of("structural_tag", "{}")), "structured_outputs",
                Map.of("structured_outputs", Map.of("lark", "start: x")), "structured_outputs",
                Map.of("structured_outputs", Map.of("backend", "magic", "regex", "a")), "guided_decoding_backend",
                Map.of("guided_decoding_backend", 3), "guided_decoding_backend",
                Map.of("guided_decoding", Map.of("regex", "(")), "guided_decoding",
                Map.of("guided_decoding", Map.of("choice", "a")), "guided_decoding");
        bad.forEach((fields, field) -> assertEquals(field,
                assertThrows(ApiException.class, () -> GrammarFields.of(fields)).param(), fields.toString()));
    }
}
