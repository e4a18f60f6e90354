package koboldj.text.http.openai;

import java.util.Map;

import koboldj.api.error.ApiException;
import koboldj.text.grammar.GrammarException;
import koboldj.text.grammar.JsonSchemaGrammar;

/**
 * OpenAI's response_format as a grammar: "json_object" holds the output to one JSON object,
 * "json_schema" to a document of the schema (what the schema converter cannot enforce is refused,
 * never dropped); "text" leaves it free.
 */
final class ResponseFormat {
    private static final String FIELD = "response_format";

    private ResponseFormat() {
    }

    /** The GBNF grammar {@code value} asks for, or null for free text. */
    static String grammar(Object value) {
        if (value == null) {
            return null;
        }
        if (!(value instanceof Map<?, ?> format)) {
            throw ApiException.badRequest(FIELD, "'response_format' must be an object such as {\"type\": \"json_object\"}.");
        }
        Object type = format.get("type");
        return switch (type instanceof String name ? name : "") {
            case "text" -> null;
            case "json_object" -> JsonSchemaGrammar.ofValue(Map.of("type", "object"));
            case "json_schema" -> schemaGrammar(format.get("json_schema"));
            default -> throw ApiException.badRequest(FIELD + ".type", "'response_format.type' must be \"text\", "
                    + "\"json_object\" or \"json_schema\", not " + type + ".");
        };
    }

    private static String schemaGrammar(Object value) {
        String field = FIELD + ".json_schema";
        if (!(value instanceof Map<?, ?> jsonSchema)) {
            throw ApiException.badRequest(field, "'" + field + "' must be an object {\"name\": ..., \"schema\": {...}} "
                    + "when the type is \"json_schema\".");
        }
        Object name = jsonSchema.get("name");
        if (name != null && !(name instanceof String text && text.matches("[a-zA-Z0-9_-]{1,64}"))) {
            throw ApiException.badRequest(field + ".name", "'" + field + ".name' must be 1 to 64 letters, digits, '_' or '-'.");
        }
        Object strict = jsonSchema.get("strict");
        if (strict != null && !(strict instanceof Boolean)) {
            throw ApiException.badRequest(field + ".strict", "'" + field + ".strict' must be true or false.");
        }
        Object schema = jsonSchema.get("schema");
        if (!(schema instanceof Map<?, ?>) && !(schema instanceof Boolean)) {
            throw ApiException.badRequest(field + ".schema", "'" + field + ".schema' must be a JSON Schema object.");
        }
        try {
            return JsonSchemaGrammar.ofValue(schema);
        } catch (GrammarException e) {
            throw ApiException.badRequest(field + ".schema", "'" + field + ".schema' cannot be enforced: " + e.getMessage());
        }
    }
}
