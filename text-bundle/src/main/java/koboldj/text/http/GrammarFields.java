package koboldj.text.http;

import java.util.List;
import java.util.Map;

import koboldj.api.error.ApiException;
import koboldj.text.grammar.ChoiceGrammar;
import koboldj.text.grammar.GrammarException;
import koboldj.text.grammar.JsonSchemaGrammar;
import koboldj.text.grammar.RegexGrammar;

/**
 * The fields that constrain output, on either API: KoboldCpp's {@code grammar} (GBNF) and
 * {@code grammar_retain_state}, and vLLM's {@code guided_json}, {@code guided_regex} and
 * {@code guided_choice}, each turned into GBNF, also inside vLLM's {@code structured_outputs} object
 * (see {@link StructuredOutputs}). At most one of them may be given.
 */
public record GrammarFields(String grammar, boolean retainState) {
    private static final List<String> FIELDS = List.of("grammar", "guided_json", "guided_regex", "guided_choice");

    /** From a request's fields (those the input classes do not name themselves). */
    public static GrammarFields of(Map<String, Object> requestFields) {
        Map<String, Object> fields = StructuredOutputs.flattened(requestFields, FIELDS);
        List<String> given = FIELDS.stream().filter(f -> fields.get(f) != null && !"".equals(fields.get(f))).toList();
        if (given.size() > 1) {
            throw ApiException.badRequest(given.get(1), "Give only one of " + String.join(", ", given)
                    + ": each one alone decides the form of the output.");
        }
        Object retain = fields.get("grammar_retain_state");
        if (retain != null && !(retain instanceof Boolean)) {
            throw ApiException.badRequest("grammar_retain_state", "'grammar_retain_state' must be true or false.");
        }
        boolean retainState = Boolean.TRUE.equals(retain);
        if (given.isEmpty()) {
            return new GrammarFields(null, retainState);
        }
        String field = given.getFirst();
        Object value = fields.get(field);
        // an error names the field the client wrote: the object, when the constraint came inside one
        String named = StructuredOutputs.objectField(requestFields).orElse(field);
        try {
            return new GrammarFields(switch (field) {
                case "grammar" -> value instanceof String text ? text : fail(named, field, "a string of GBNF rules");
                case "guided_json" -> JsonSchemaGrammar.ofValue(value);
                case "guided_regex" -> value instanceof String text ? RegexGrammar.of(text) : fail(named, field, "a string");
                default -> value instanceof List<?> list ? ChoiceGrammar.of(list) : fail(named, field, "a list of strings");
            }, retainState);
        } catch (GrammarException e) {
            throw ApiException.badRequest(named, "'" + field + "' cannot be used: " + e.getMessage());
        }
    }

    private static String fail(String named, String field, String what) {
        throw ApiException.badRequest(named, "'" + field + "' must be " + what + ".");
    }
}
