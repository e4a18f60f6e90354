package koboldj.text.http;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import koboldj.api.error.ApiException;

/**
 * Aphrodite's and vLLM's object forms of the output constraints: {@code structured_outputs} and
 * its older name {@code guided_decoding}, each holding one of {@code json}, {@code regex},
 * {@code choice}, {@code grammar} (GBNF) or {@code json_object}, turned into the flat fields
 * {@link GrammarFields} reads. {@code guided_decoding_backend} (or the object's {@code backend})
 * is accepted for the backends Aphrodite names: every one of them is served by the same grammar path.
 */
final class StructuredOutputs {
    private static final List<String> OBJECTS = List.of("structured_outputs", "guided_decoding");
    private static final List<String> BACKENDS = List.of("auto", "xgrammar", "guidance", "outlines", "lm-format-enforcer");
    private static final String BACKEND = "guided_decoding_backend";
    /** An object's member and the flat field it stands for. */
    private static final Map<String, String> MEMBERS = Map.of("json", "guided_json", "regex", "guided_regex",
            "choice", "guided_choice", "grammar", "grammar");
    /** Members that change nothing when false or absent, which this server cannot honour otherwise. */
    private static final List<String> UNSUPPORTED = List.of("structural_tag", "whitespace_pattern", "disable_fallback",
            "disable_any_whitespace", "disable_additional_properties");

    private StructuredOutputs() {
    }

    /** The request's fields with a constraint object, if there is one, in the flat form. */
    static Map<String, Object> flattened(Map<String, Object> fields, List<String> flatFields) {
        backend(fields.get(BACKEND), BACKEND);
        List<String> given = OBJECTS.stream().filter(name -> fields.get(name) != null).toList();
        if (given.isEmpty()) {
            return fields;
        }
        String field = given.getFirst();
        if (given.size() > 1) {
            throw ApiException.badRequest(given.get(1), "Give only one of structured_outputs and guided_decoding: "
                    + "guided_decoding is the older name of the same object.");
        }
        if (flatFields.stream().anyMatch(flat -> fields.get(flat) != null && !"".equals(fields.get(flat)))) {
            throw ApiException.badRequest(field, "Give '" + field + "' or the flat guided_* and grammar fields, not both.");
        }
        if (!(fields.get(field) instanceof Map<?, ?> object)) {
            throw ApiException.badRequest(field, "'" + field + "' must be an object such as {\"regex\": \"[0-9]+\"}.");
        }
        Map<String, Object> result = new HashMap<>(fields);
        for (Map.Entry<?, ?> member : object.entrySet()) {
            String name = String.valueOf(member.getKey());
            Object value = member.getValue();
            if (value == null) {
                continue;
            }
            if (MEMBERS.containsKey(name)) {
                result.put(MEMBERS.get(name), value);
            } else if (name.equals("json_object")) {
                if (!(value instanceof Boolean on)) {
                    throw ApiException.badRequest(field, "'" + field + ".json_object' must be true or false.");
                }
                if (on) {
                    result.put("guided_json", Map.of("type", "object"));
                }
            } else if (name.equals("backend")) {
                backend(value, field + ".backend");
            } else if (UNSUPPORTED.contains(name)) {
                if (!Boolean.FALSE.equals(value)) {
                    throw ApiException.badRequest(field, "'" + field + "." + name + "' is not supported by this server.");
                }
            } else {
                throw ApiException.badRequest(field, "'" + field + "' has no member '" + shown(name) + "'; it holds one of "
                        + "json, regex, choice, grammar or json_object.");
            }
        }
        return result;
    }

    /** The object the request's constraint came in, if it came in one. */
    static Optional<String> objectField(Map<String, Object> fields) {
        return OBJECTS.stream().filter(name -> fields.get(name) != null).findFirst();
    }

    private static void backend(Object value, String field) {
        if (value != null && !(value instanceof String name && BACKENDS.contains(name))) {
            throw ApiException.badRequest(BACKEND, "'" + field + "' must be one of " + String.join(", ", BACKENDS)
                    + "; each is served by the same grammar path.");
        }
    }

    private static String shown(String name) {
        return name.length() <= 40 ? name : name.substring(0, 40) + "…";
    }
}
