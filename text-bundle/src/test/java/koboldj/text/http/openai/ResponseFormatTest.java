package koboldj.text.http.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import koboldj.api.error.ApiException;

class ResponseFormatTest {

    private static ApiException refused(Object format) {
        return assertThrows(ApiException.class, () -> ResponseFormat.grammar(format));
    }

    @Test
    void textIsFreeAndJsonIsAGrammar() {
        assertNull(ResponseFormat.grammar(null));
        assertNull(ResponseFormat.grammar(Map.of("type", "text")));
        assertTrue(ResponseFormat.grammar(Map.of("type", "json_object")).startsWith("root ::= object\n"));
        String schema = ResponseFormat.grammar(Map.of("type", "json_schema", "json_schema", Map.of("name", "n", "strict", true,
                "schema", Map.of("type", "object", "properties", Map.of("ok", Map.of("type", "boolean")), "required",
                        java.util.List.of("ok")))));
        assertTrue(schema.contains("\\\"ok\\\""), schema);
    }

    @Test
    void eachMistakeNamesItsField() {
        assertEquals("response_format", refused("json").param());
        assertEquals("response_format.type", refused(Map.of("type", "yaml")).param());
        assertEquals("response_format.json_schema", refused(Map.of("type", "json_schema")).param());
        assertEquals("response_format.json_schema.name", refused(Map.of("type", "json_schema", "json_schema",
                Map.of("name", "a b", "schema", Map.of()))).param());
        assertEquals("response_format.json_schema.strict", refused(Map.of("type", "json_schema", "json_schema",
                Map.of("strict", "yes", "schema", Map.of()))).param());
        assertEquals("response_format.json_schema.schema", refused(Map.of("type", "json_schema", "json_schema",
                Map.of("name", "x"))).param());
        ApiException keyword = refused(Map.of("type", "json_schema", "json_schema", Map.of("schema",
                Map.of("type", "array", "uniqueItems", true))));
        assertEquals("response_format.json_schema.schema", keyword.param());
        assertTrue(keyword.getMessage().contains("'uniqueItems'"), keyword.getMessage());
    }
}
