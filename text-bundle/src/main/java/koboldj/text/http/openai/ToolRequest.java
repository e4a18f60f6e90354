package koboldj.text.http.openai;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import koboldj.api.error.ApiException;
import koboldj.text.grammar.GbnfValidator;
import koboldj.text.grammar.GrammarException;
import koboldj.text.grammar.JsonSchemaGrammar;

/**
 * A chat request's tools, tool_choice and parallel_tool_calls, checked. A call the request forces
 * ("required" or a named function) is held by a grammar to the generic form
 * {@code {"tool_calls": [{"name": ..., "arguments": {...}}]}}, or to the template's own
 * {@code <tool_call>} blocks, with the arguments of the function's own parameter schema, so that
 * it always parses.
 *
 * @param tools    the tool list as the client gave it (what a chat template gets as {@code tools})
 * @param mode     how calls are chosen
 * @param forced   with {@link Mode#NAMED}, the function to call
 * @param parallel whether a reply may hold several calls
 */
record ToolRequest(List<Map<String, Object>> tools, Mode mode, String forced, boolean parallel) {
    /** A forced reply holds at most this many calls: a small model must not repeat calls until it runs out of tokens. */
    static final int MAX_PARALLEL_CALLS = 8;
    static final ToolRequest NONE = new ToolRequest(List.of(), Mode.NONE, null, false);

    enum Mode {
        NONE, AUTO, REQUIRED, NAMED
    }

    static ToolRequest of(ChatInput in) {
        List<Map<String, Object>> tools = tools(in.tools);
        Object parallelValue = in.parallelToolCalls;
        if (parallelValue != null && !(parallelValue instanceof Boolean)) {
            throw ApiException.badRequest("parallel_tool_calls", "'parallel_tool_calls' must be true or false.");
        }
        boolean parallel = !Boolean.FALSE.equals(parallelValue);
        Object choice = in.toolChoice;
        if (choice == null) {
            return new ToolRequest(tools, tools.isEmpty() ? Mode.NONE : Mode.AUTO, null, parallel);
        }
        if (choice instanceof String text) {
            Mode mode = switch (text) {
                case "none" -> Mode.NONE;
                case "auto" -> Mode.AUTO;
                case "required" -> Mode.REQUIRED;
                default -> throw ApiException.badRequest("tool_choice", "'tool_choice' must be \"none\", \"auto\", "
                        + "\"required\" or {\"type\": \"function\", \"function\": {\"name\": ...}}, not \"" + text + "\".");
            };
            if (mode != Mode.NONE && tools.isEmpty()) {
                throw ApiException.badRequest("tool_choice", "'tool_choice' \"" + text + "\" needs 'tools'.");
            }
            return new ToolRequest(tools, mode, null, parallel);
        }
        if (choice instanceof Map<?, ?> named && "function".equals(named.get("type"))
                && named.get("function") instanceof Map<?, ?> function && function.get("name") instanceof String name) {
            if (tools.stream().noneMatch(tool -> name.equals(name(tool)))) {
                throw ApiException.badRequest("tool_choice", "'tool_choice' names the function '" + name
                        + "', which is not among 'tools'.");
            }
            return new ToolRequest(tools, Mode.NAMED, name, parallel);
        }
        throw ApiException.badRequest("tool_choice", "'tool_choice' must be \"none\", \"auto\", \"required\" or "
                + "{\"type\": \"function\", \"function\": {\"name\": ...}}.");
    }

    private static List<Map<String, Object>> tools(Object value) {
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            throw ApiException.badRequest("tools", "'tools' must be a list of {\"type\": \"function\", \"function\": {...}}.");
        }
        List<Map<String, Object>> tools = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        for (int i = 0; i < list.size(); i++) {
            String field = "tools[" + i + "]";
            if (!(list.get(i) instanceof Map<?, ?> tool) || !"function".equals(tool.get("type"))
                    || !(tool.get("function") instanceof Map<?, ?> function)) {
                throw ApiException.badRequest(field, "'" + field + "' must be {\"type\": \"function\", \"function\": {...}}.");
            }
            if (!(function.get("name") instanceof String name) || !name.matches("[a-zA-Z0-9_.-]{1,64}")) {
                throw ApiException.badRequest(field + ".function.name", "'" + field + ".function.name' must be 1 to 64 "
                        + "letters, digits, '_', '.' or '-'.");
            }
            if (!names.add(name)) {
                throw ApiException.badRequest(field + ".function.name", "'" + field + ".function.name' repeats '" + name + "'.");
            }
            Object description = function.get("description");
            if (description != null && !(description instanceof String)) {
                throw ApiException.badRequest(field + ".function.description", "'" + field
                        + ".function.description' must be a string.");
            }
            Object parameters = function.get("parameters");
            if (parameters != null) {
                try {
                    JsonSchemaGrammar.ofValue(parameters instanceof Map<?, ?> ? parameters : "not a schema");
                } catch (GrammarException e) {
                    throw ApiException.badRequest(field + ".function.parameters", "'" + field
                            + ".function.parameters' must be a JSON Schema the server can enforce: " + e.getMessage());
                }
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> copy = new LinkedHashMap<>((Map<String, Object>) tool);
            tools.add(copy);
        }
        return tools;
    }

    static String name(Map<String, Object> tool) {
        return (String) ((Map<?, ?>) tool.get("function")).get("name");
    }

    static Object parameters(Map<String, Object> tool) {
        Object parameters = ((Map<?, ?>) tool.get("function")).get("parameters");
        return parameters == null ? Map.of("type", "object") : parameters;
    }

    /** Whether the model is told of the tools and its reply is read for calls. */
    boolean active() {
        return mode != Mode.NONE && !tools.isEmpty();
    }

    /** The names of the functions that may be called. */
    Set<String> names() {
        Set<String> names = new LinkedHashSet<>();
        tools.forEach(tool -> names.add(name(tool)));
        return names;
    }

    /**
     * The grammar that holds the reply to the forced call, or null when no call is forced.
     *
     * @param tagged write each call as Hermes/Qwen templates ask, {@code <tool_call>\n{"name": ...,
     *               "arguments": {...}}\n</tool_call>}, instead of the generic form
     */
    String grammar(boolean tagged) {
        if (mode != Mode.REQUIRED && mode != Mode.NAMED) {
            return null;
        }
        List<Object> calls = new ArrayList<>();
        for (Map<String, Object> tool : tools) {
            if (mode == Mode.NAMED && !forced.equals(name(tool))) {
                continue;
            }
            Map<String, Object> properties = new LinkedHashMap<>();
            properties.put("name", Map.of("const", name(tool)));
            properties.put("arguments", parameters(tool));
            calls.add(Map.of("type", "object", "properties", properties, "required", List.of("name", "arguments")));
        }
        Object call = calls.size() == 1 ? calls.getFirst() : Map.of("anyOf", calls);
        // a named function is one call of it, as OpenAI answers such a tool_choice
        int most = parallel && mode == Mode.REQUIRED ? MAX_PARALLEL_CALLS : 1;
        if (tagged) {
            String callRules = JsonSchemaGrammar.ofValue(call).replaceFirst("^root ::= ", "tool-call ::= ");
            String block = "\"<tool_call>\\n\" tool-call \"\\n</tool_call>\"";
            String gbnf = "root ::= " + block + (most > 1 ? " (\"\\n\" " + block + "){0," + (most - 1) + "}" : "") + "\n"
                    + callRules;
            GbnfValidator.check(gbnf);
            return gbnf;
        }
        Map<String, Object> list = new LinkedHashMap<>();
        list.put("type", "array");
        list.put("items", call);
        list.put("minItems", 1);
        list.put("maxItems", most);
        return JsonSchemaGrammar.ofValue(Map.of("type", "object", "properties", Map.of("tool_calls", list),
                "required", List.of("tool_calls")));
    }
}
