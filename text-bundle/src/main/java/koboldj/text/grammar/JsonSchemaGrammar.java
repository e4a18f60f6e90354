package koboldj.text.grammar;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A GBNF grammar for the JSON documents a JSON Schema describes, in the style of llama.cpp's
 * json-schema-to-grammar (the same primitive rules, whitespace and property order), so that
 * KoboldCpp's {@code /api/extra/json_to_grammar} and vLLM's {@code guided_json} can be served.
 *
 * <p>Supported: {@code type} (one or a list) object, array, string, number, integer, boolean,
 * null; {@code enum}, {@code const}; {@code properties} with {@code required} (required ones in
 * schema order, then optional ones, each at most once, in order; no other properties);
 * {@code items}, {@code prefixItems}, {@code minItems}, {@code maxItems}; {@code minLength},
 * {@code maxLength}, {@code pattern} (the subset of {@link RegexGrammar}); {@code anyOf},
 * {@code oneOf}; {@code $ref} to {@code #/$defs/...} or {@code #/definitions/...} (recursion
 * allowed); {@code minimum}, {@code maximum}, {@code exclusiveMinimum}, {@code exclusiveMaximum}
 * (see {@link NumberRange}). Annotations (title, description, format, ...) are ignored. Keywords
 * that constrain what this converter cannot (multipleOf, allOf, uniqueItems, ...) are rejected
 * by name, never dropped.
 */
public final class JsonSchemaGrammar {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> UNSUPPORTED = Set.of("allOf", "not", "if", "then", "else", "patternProperties",
            "dependentSchemas", "dependentRequired", "contains", "uniqueItems", "propertyNames", "multipleOf", "minProperties",
            "maxProperties", "minContains", "maxContains", "unevaluatedItems");
    private static final Map<String, String> PRIMITIVES = new LinkedHashMap<>();

    static {
        PRIMITIVES.put("space", "| \" \" | \"\\n\" [ \\t]{0,20}");
        PRIMITIVES.put("boolean", "(\"true\" | \"false\") space");
        PRIMITIVES.put("null", "\"null\" space");
        PRIMITIVES.put("integral-part", "[0] | [1-9] [0-9]{0,15}");
        PRIMITIVES.put("decimal-part", "[0-9]{1,16}");
        PRIMITIVES.put("integer", "(\"-\"? integral-part) space");
        PRIMITIVES.put("number", "(\"-\"? integral-part) (\".\" decimal-part)? ([eE] [-+]? integral-part)? space");
        PRIMITIVES.put("char", "[^\"\\\\\\x7F\\x00-\\x1F] | [\\\\] ([\"\\\\/bfnrt] | \"u\" [0-9a-fA-F]{4})");
        PRIMITIVES.put("string", "\"\\\"\" char* \"\\\"\" space");
        PRIMITIVES.put("value", "object | array | string | number | boolean | null");
        PRIMITIVES.put("object", "\"{\" space ( string \":\" space value (\",\" space string \":\" space value)* )? \"}\" space");
        PRIMITIVES.put("array", "\"[\" space ( value (\",\" space value)* )? \"]\" space");
    }

    /** What each primitive rule uses. */
    private static final Map<String, List<String>> USES = Map.of(
            "boolean", List.of("space"), "null", List.of("space"), "integer", List.of("integral-part", "space"),
            "number", List.of("integral-part", "decimal-part", "space"), "string", List.of("char", "space"),
            "value", List.of("object", "array", "string", "number", "boolean", "null"),
            "object", List.of("string", "value", "space"), "array", List.of("value", "space"));

    private final JsonNode root;
    private final Map<String, String> rules = new LinkedHashMap<>();
    private final Map<String, String> refRules = new HashMap<>();
    private int depth;

    private JsonSchemaGrammar(JsonNode root) {
        this.root = root;
    }

    /** @throws GrammarException saying what in the schema is not supported */
    public static String of(JsonNode schema) {
        JsonSchemaGrammar converter = new JsonSchemaGrammar(schema);
        converter.rules.put("root", "");
        String body = converter.body(schema, "root");
        converter.rules.put("root", body);
        StringBuilder out = new StringBuilder();
        converter.rules.forEach((name, rule) -> out.append(name).append(" ::= ").append(rule).append('\n'));
        String gbnf = out.toString();
        GbnfValidator.check(gbnf);
        return gbnf;
    }

    /** A schema given as JSON text (vLLM accepts guided_json as a string too). */
    public static String of(String schema) {
        try {
            return of(JSON.readTree(schema));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new GrammarException("It is not valid JSON: " + e.getOriginalMessage());
        }
    }

    /** A schema that arrived as a JSON value already parsed into maps and lists. */
    public static String ofValue(Object schema) {
        return schema instanceof String text ? of(text) : of(JSON.valueToTree(schema));
    }

    /** The right-hand side of a rule matching {@code schema}; {@code name} prefixes helper rules. */
    private String body(JsonNode schema, String name) {
        if (++depth > 64) {
            throw new GrammarException("It nests deeper than 64 levels.");
        }
        try {
            return bodyOf(schema, name);
        } finally {
            depth--;
        }
    }

    private String bodyOf(JsonNode schema, String name) {
        if (schema.isBoolean()) {
            if (!schema.booleanValue()) {
                throw new GrammarException("The schema 'false' matches nothing.");
            }
            return primitive("value");
        }
        if (!schema.isObject()) {
            throw new GrammarException("A schema must be an object or a boolean, not " + schema + ".");
        }
        for (Iterator<String> it = schema.fieldNames(); it.hasNext();) {
            String keyword = it.next();
            if (UNSUPPORTED.contains(keyword)) {
                throw new GrammarException("The keyword '" + keyword + "' is not supported.");
            }
        }
        if (schema.has("$ref")) {
            return ref(schema.get("$ref").asText());
        }
        if (schema.has("const")) {
            return Gbnf.literal(compact(schema.get("const"))) + " " + primitive("space");
        }
        if (schema.has("enum")) {
            JsonNode values = schema.get("enum");
            if (!values.isArray() || values.isEmpty()) {
                throw new GrammarException("'enum' must be a non-empty list.");
            }
            List<String> alternatives = new ArrayList<>();
            values.forEach(v -> alternatives.add(Gbnf.literal(compact(v))));
            return "(" + String.join(" | ", alternatives) + ") " + primitive("space");
        }
        for (String keyword : List.of("anyOf", "oneOf")) {
            if (schema.has(keyword)) {
                JsonNode options = schema.get(keyword);
                if (!options.isArray() || options.isEmpty()) {
                    throw new GrammarException("'" + keyword + "' must be a non-empty list of schemas.");
                }
                List<String> alternatives = new ArrayList<>();
                for (int i = 0; i < options.size(); i++) {
                    alternatives.add(rule(name + "-" + i, options.get(i)));
                }
                return String.join(" | ", alternatives);
            }
        }
        JsonNode type = schema.get("type");
        if (type == null) {
            if (schema.has("properties")) {
                return object(schema, name);
            }
            if (schema.has("items") || schema.has("prefixItems")) {
                return array(schema, name);
            }
            return primitive("value");
        }
        if (type.isArray()) {
            List<String> alternatives = new ArrayList<>();
            for (JsonNode one : type) {
                alternatives.add(typed(one.asText(), schema, name + "-" + one.asText()));
            }
            if (alternatives.isEmpty()) {
                throw new GrammarException("'type' must not be an empty list.");
            }
            return String.join(" | ", alternatives);
        }
        return typed(type.asText(), schema, name);
    }

    private String typed(String type, JsonNode schema, String name) {
        return switch (type) {
            case "object" -> object(schema, name);
            case "array" -> array(schema, name);
            case "string" -> string(schema, name);
            case "integer" -> bounded(schema) ? range(schema, true) : primitive("integer");
            case "number" -> bounded(schema) ? range(schema, false) : primitive("number");
            case "boolean" -> primitive("boolean");
            case "null" -> primitive("null");
            default -> throw new GrammarException("The type '" + type + "' is not a JSON Schema type.");
        };
    }

    private static final List<String> BOUNDS = List.of("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum");

    private static boolean bounded(JsonNode schema) {
        return BOUNDS.stream().anyMatch(schema::has);
    }

    /** A number or integer within the schema's bounds ({@link NumberRange} says how). */
    private String range(JsonNode schema, boolean integer) {
        NumberRange.Bound min = bound(schema, "minimum", "exclusiveMinimum", true);
        NumberRange.Bound max = bound(schema, "maximum", "exclusiveMaximum", false);
        String body = integer ? NumberRange.integers(min, max) : NumberRange.numbers(min, max);
        if (body == null) {
            throw new GrammarException("The bounds (" + BOUNDS.stream().filter(schema::has).map(k -> "'" + k + "'")
                    .collect(java.util.stream.Collectors.joining(", ")) + ") leave no " + (integer ? "integer" : "number")
                    + " that can be written.");
        }
        return body + " " + primitive("space");
    }

    /**
     * The tighter of a bound and its exclusive form; draft 4's boolean exclusiveMinimum/Maximum
     * makes the plain bound exclusive.
     */
    private static NumberRange.Bound bound(JsonNode schema, String inclusive, String exclusive, boolean lower) {
        JsonNode plain = schema.get(inclusive);
        JsonNode strict = schema.get(exclusive);
        if (plain != null && !plain.isNumber()) {
            throw new GrammarException("'" + inclusive + "' must be a number.");
        }
        if (strict != null && !strict.isNumber() && !strict.isBoolean()) {
            throw new GrammarException("'" + exclusive + "' must be a number.");
        }
        NumberRange.Bound a = plain == null ? null : new NumberRange.Bound(plain.decimalValue(),
                strict != null && strict.isBoolean() && strict.booleanValue());
        NumberRange.Bound b = strict == null || strict.isBoolean() ? null : new NumberRange.Bound(strict.decimalValue(), true);
        if (a == null || b == null) {
            return a == null ? b : a;
        }
        int order = a.value().compareTo(b.value());
        if (order == 0) {
            return b;
        }
        return (order > 0) == lower ? a : b;
    }

    private String object(JsonNode schema, String name) {
        JsonNode properties = schema.get("properties");
        if (properties == null || properties.isEmpty()) {
            return primitive("object");
        }
        Set<String> required = new java.util.HashSet<>();
        if (schema.has("required")) {
            schema.get("required").forEach(r -> required.add(r.asText()));
        }
        List<String> mandatory = new ArrayList<>();
        List<String> optional = new ArrayList<>();
        for (Map.Entry<String, JsonNode> property : properties.properties()) {
            String kvName = name + "-" + Gbnf.ruleName(property.getKey()) + "-kv";
            String kv = Gbnf.literal(compact(JSON.getNodeFactory().textNode(property.getKey()))) + " " + primitive("space")
                    + " \":\" space " + rule(name + "-" + Gbnf.ruleName(property.getKey()), property.getValue());
            String kvRule = define(kvName, kv);
            (required.contains(property.getKey()) ? mandatory : optional).add(kvRule);
        }
        StringBuilder out = new StringBuilder("\"{\" space ");
        out.append(String.join(" \",\" space ", mandatory));
        if (!optional.isEmpty()) {
            if (mandatory.isEmpty()) {
                List<String> starts = new ArrayList<>();
                for (int i = 0; i < optional.size(); i++) {
                    StringBuilder start = new StringBuilder(optional.get(i));
                    for (int j = i + 1; j < optional.size(); j++) {
                        start.append(" (\",\" space ").append(optional.get(j)).append(")?");
                    }
                    starts.add(start.toString());
                }
                out.append("(").append(String.join(" | ", starts)).append(")?");
            } else {
                for (String kv : optional) {
                    out.append(" (\",\" space ").append(kv).append(")?");
                }
            }
        }
        return out.append(" \"}\" space").toString();
    }

    private String array(JsonNode schema, String name) {
        primitive("space");
        if (schema.has("prefixItems")) {
            JsonNode items = schema.get("prefixItems");
            List<String> parts = new ArrayList<>();
            for (int i = 0; i < items.size(); i++) {
                parts.add(rule(name + "-tuple-" + i, items.get(i)));
            }
            return "\"[\" space " + String.join(" \",\" space ", parts) + " \"]\" space";
        }
        String item = schema.has("items") ? rule(name + "-item", schema.get("items")) : primitive("value");
        int min = count(schema, "minItems", 0);
        int max = count(schema, "maxItems", -1);
        if (max >= 0 && max < min) {
            throw new GrammarException("'maxItems' is below 'minItems'.");
        }
        if (max == 0) {
            return "\"[\" space \"]\" space";
        }
        String more = "(\",\" space " + item + ")" + repetition(Math.max(0, min - 1), max < 0 ? -1 : max - 1);
        String items = item + " " + more;
        return "\"[\" space " + (min == 0 ? "(" + items + ")?" : items) + " \"]\" space";
    }

    private String string(JsonNode schema, String name) {
        primitive("space");
        if (schema.has("pattern")) {
            for (String length : List.of("minLength", "maxLength")) {
                if (schema.has(length)) {
                    throw new GrammarException("'" + length + "' together with 'pattern' is not supported: give the length "
                            + "in the pattern.");
                }
            }
            String pattern = RegexGrammar.ofJsonString(schema.get("pattern").asText());
            String body = pattern.substring("root ::= ".length()).strip();
            return "\"\\\"\" " + define(name + "-pattern", body) + " \"\\\"\" space";
        }
        int min = count(schema, "minLength", 0);
        int max = count(schema, "maxLength", -1);
        if (min == 0 && max < 0) {
            return primitive("string");
        }
        if (max >= 0 && max < min) {
            throw new GrammarException("'maxLength' is below 'minLength'.");
        }
        return "\"\\\"\" " + primitive("char") + repetition(min, max) + " \"\\\"\" space";
    }

    private static String repetition(int min, int max) {
        if (max < 0) {
            return min == 0 ? "*" : min == 1 ? "+" : "{" + min + ",}";
        }
        return min == max ? "{" + min + "}" : "{" + min + "," + max + "}";
    }

    private static int count(JsonNode schema, String keyword, int absent) {
        JsonNode value = schema.get(keyword);
        if (value == null) {
            return absent;
        }
        if (!value.canConvertToInt() || value.asInt() < 0 || value.asInt() > GbnfValidator.MAX_REPETITION) {
            throw new GrammarException("'" + keyword + "' must be a whole number from 0 to " + GbnfValidator.MAX_REPETITION + ".");
        }
        return value.asInt();
    }

    /** A rule for {@code schema}: a primitive's name when the schema is just that, else a new rule. */
    private String rule(String name, JsonNode schema) {
        String body = body(schema, name);
        if (PRIMITIVES.containsKey(body) || refRules.containsValue(body)) {
            return body;
        }
        return define(name, body);
    }

    private String ref(String reference) {
        String name = refRules.get(reference);
        if (name != null) {
            return name;
        }
        JsonNode target;
        if (reference.startsWith("#/$defs/") || reference.startsWith("#/definitions/")) {
            target = root.at(reference.substring(1));
        } else if (reference.equals("#")) {
            target = root;
        } else {
            throw new GrammarException("The reference '" + reference + "' is not supported; only local ones "
                    + "(#/$defs/... or #/definitions/...) are.");
        }
        if (target.isMissingNode()) {
            throw new GrammarException("The reference '" + reference + "' points to nothing.");
        }
        name = reference.equals("#") ? "root" : unique("ref-" + Gbnf.ruleName(reference.substring(reference.lastIndexOf('/') + 1)));
        refRules.put(reference, name);
        if (!name.equals("root")) {
            rules.put(name, "");
            rules.put(name, body(target, name));
        }
        return name;
    }

    private String define(String name, String body) {
        String unique = unique(name);
        rules.put(unique, body);
        return unique;
    }

    private String unique(String name) {
        String candidate = name;
        for (int i = 1; rules.containsKey(candidate) || PRIMITIVES.containsKey(candidate); i++) {
            candidate = name + "-" + i;
        }
        return candidate;
    }

    /** Adds a primitive rule (and those it uses) and returns its name. */
    private String primitive(String name) {
        use(name);
        return name;
    }

    private void use(String name) {
        if (!rules.containsKey(name)) {
            rules.put(name, PRIMITIVES.get(name));
            USES.getOrDefault(name, List.of()).forEach(this::use);
        }
    }

    private static String compact(JsonNode value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new GrammarException("A value could not be written as JSON.");
        }
    }
}
