package koboldj.text.grammar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class JsonSchemaGrammarTest {

    @Test
    void objectWithRequiredProperties() {
        String gbnf = JsonSchemaGrammar.of("""
                {"type": "object", "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
                 "required": ["name", "age"]}""");
        assertEquals("""
                root ::= "{" space root-name-kv "," space root-age-kv "}" space
                space ::= | " " | "\\n" [ \\t]{0,20}
                string ::= "\\"" char* "\\"" space
                char ::= [^"\\\\\\x7F\\x00-\\x1F] | [\\\\] (["\\\\/bfnrt] | "u" [0-9a-fA-F]{4})
                root-name-kv ::= "\\"name\\"" space ":" space string
                integer ::= ("-"? integral-part) space
                integral-part ::= [0] | [1-9] [0-9]{0,15}
                root-age-kv ::= "\\"age\\"" space ":" space integer
                """, gbnf);
    }

    @Test
    void optionalPropertiesComeInOrderAtMostOnce() {
        String gbnf = JsonSchemaGrammar.of("""
                {"properties": {"a": {"const": 1}, "b": {"type": "boolean"}}}""");
        assertTrue(gbnf.startsWith("root ::= \"{\" space (root-a-kv (\",\" space root-b-kv)? | root-b-kv)? \"}\" space\n"), gbnf);
        assertTrue(gbnf.contains("root-a ::= \"1\" space\n"), gbnf);
    }

    @Test
    void arraysEnumsAndLengths() {
        String gbnf = JsonSchemaGrammar.of("""
                {"type": "array", "items": {"enum": ["red", "green", null]}, "minItems": 1, "maxItems": 3}""");
        assertTrue(gbnf.startsWith("root ::= \"[\" space root-item (\",\" space root-item){0,2} \"]\" space\n"), gbnf);
        assertTrue(gbnf.contains("root-item ::= (\"\\\"red\\\"\" | \"\\\"green\\\"\" | \"null\") space\n"), gbnf);
        String code = JsonSchemaGrammar.of("{\"type\": \"string\", \"minLength\": 2, \"maxLength\": 5}");
        assertTrue(code.startsWith("root ::= \"\\\"\" char{2,5} \"\\\"\" space\n"), code);
    }

    @Test
    void referencesUnionsAndPatterns() {
        String gbnf = JsonSchemaGrammar.of("""
                {"$defs": {"node": {"type": "object", "properties": {"next": {"anyOf": [{"$ref": "#/$defs/node"}, {"type": "null"}]}},
                                     "required": ["next"]}},
                 "$ref": "#/$defs/node"}""");
        assertTrue(gbnf.startsWith("root ::= ref-node\n"), gbnf);
        assertTrue(gbnf.contains("ref-node ::= \"{\" space ref-node-next-kv \"}\" space\n"), gbnf);
        assertTrue(gbnf.contains("ref-node-next ::= ref-node | null\n"), gbnf);
        String pattern = JsonSchemaGrammar.of("{\"type\": \"string\", \"pattern\": \"^[a-z]{3}$\"}");
        assertTrue(pattern.startsWith("root ::= \"\\\"\" root-pattern \"\\\"\" space\n"), pattern);
        assertTrue(pattern.contains("\nroot-pattern ::= [a-z]{3}\n"), pattern);
    }

    @Test
    void genericValuesForOpenSchemas() {
        String gbnf = JsonSchemaGrammar.ofValue(java.util.Map.of());
        assertTrue(gbnf.startsWith("root ::= value\n"), gbnf);
        GbnfValidator.check(gbnf);
        assertEquals(List.of("root", "value", "object", "string", "char", "space", "array", "number", "integral-part",
                "decimal-part", "boolean", "null"), gbnf.lines().map(l -> l.substring(0, l.indexOf(' '))).toList());
    }

    @Test
    void rejectsWhatItCannotExpress() {
        assertRejected("{\"allOf\": [{}]}", "'allOf' is not supported");
        assertRejected("{\"$ref\": \"http://example.com/s.json\"}", "only local ones");
        assertRejected("{\"$ref\": \"#/$defs/missing\"}", "points to nothing");
        assertRejected("{\"type\": \"decimal\"}", "not a JSON Schema type");
        assertRejected("false", "matches nothing");
        assertRejected("{\"type\": \"array\", \"minItems\": 3, \"maxItems\": 1}", "below 'minItems'");
        assertRejected("{\"type\": \"string\", \"pattern\": \"(?=x)\"}", "regular expression");
        assertRejected("{\"type\": ", "not valid JSON");
    }

    private static void assertRejected(String schema, String reason) {
        GrammarException e = assertThrows(GrammarException.class, () -> JsonSchemaGrammar.of(schema));
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }
}
