package koboldj.text.http.openai;

import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.el.JinjavaInterpreterResolver;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import com.hubspot.jinjava.objects.date.StrftimeFormatter;

import jinjava.javax.el.CompositeELResolver;

/**
 * A Hugging Face chat template (the Jinja text in GGUF's tokenizer.chat_template) rendered with
 * jinjava, set up the way transformers' apply_chat_template sets up Jinja: blocks trimmed and
 * left-stripped, one trailing newline of the template dropped, Python's string methods and
 * {@code [::-1]}, {@code raise_exception} and {@code strftime_now} defined, and {@code messages},
 * {@code add_generation_prompt}, {@code bos_token} and {@code eos_token} bound.
 */
final class JinjaChatTemplate {
    /** A prompt longer than this is a runaway template, not a conversation. */
    private static final long MAX_OUTPUT_CHARS = 16L << 20;
    private static final Jinjava JINJA = withOwnClassLoader(JinjaChatTemplate::jinja);

    private final String source;

    /** The template itself refused the conversation through raise_exception (e.g. roles must alternate). */
    static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    /** The template could not be rendered: a syntax or feature this engine does not handle. */
    static final class Failed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Failed(String message) {
            super(message);
        }
    }

    JinjaChatTemplate(String source) {
        // Jinja (keep_trailing_newline=False) drops one newline at the end of a template
        String text = source.endsWith("\n") ? source.substring(0, source.length() - 1) : source;
        this.source = JinjavaDialect.rewrite(text);
    }

    /**
     * @throws Refused when the template calls raise_exception
     * @throws Failed  when the template cannot be rendered
     */
    String render(List<ChatFormat.Message> messages, String bosToken, String eosToken, boolean addGenerationPrompt) {
        return render(messages, null, bosToken, eosToken, addGenerationPrompt);
    }

    /** @param tools the request's tool list, bound as {@code tools} as transformers does; null for none */
    String render(List<ChatFormat.Message> messages, List<Map<String, Object>> tools, String bosToken, String eosToken,
            boolean addGenerationPrompt) {
        Map<String, Object> bindings = new HashMap<>();
        if (tools != null) {
            bindings.put("tools", tools);
        }
        bindings.put("messages", messages.stream().map(JinjaChatTemplate::asMap).toList());
        bindings.put("add_generation_prompt", addGenerationPrompt);
        bindings.put("bos_token", bosToken);
        bindings.put("eos_token", eosToken);
        // transformers' functions are globals: templates ask "strftime_now is defined" before calling it
        bindings.put("strftime_now", "strftime_now");
        bindings.put("raise_exception", "raise_exception");
        RenderResult result;
        try {
            result = withOwnClassLoader(() -> JINJA.renderForResult(source, bindings));
        } catch (RuntimeException e) {
            throw refusedOr(e, e.toString());
        }
        // jinjava reports some failures as warnings and renders on; for a prompt a missing piece is
        // as wrong as an error
        List<TemplateError> errors = result.getErrors();
        for (TemplateError error : errors) {
            if (refusedOr(error.getException(), "") instanceof Refused refused) {
                throw refused;
            }
        }
        if (!errors.isEmpty()) {
            TemplateError error = errors.getFirst();
            throw new Failed(error.getMessage() + (error.getLineno() > 0 ? " (line " + error.getLineno() + ")" : ""));
        }
        return result.getOutput();
    }

    /**
     * Runs {@code action} with this bundle's class loader as the context class loader: jinjava's
     * expression engine loads its own classes through it, and under OSGi it is not the bundle's.
     */
    private static <T> T withOwnClassLoader(Supplier<T> action) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(JinjaChatTemplate.class.getClassLoader());
        try {
            return action.get();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private static Map<String, Object> asMap(ChatFormat.Message message) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("role", message.role());
        map.put("content", message.content());
        map.putAll(message.fields());
        return map;
    }

    /** A Refused anywhere in the causes of {@code thrown}, else a Failed saying {@code what}. */
    private static RuntimeException refusedOr(Throwable thrown, String what) {
        for (Throwable cause = thrown; cause != null; cause = cause.getCause()) {
            if (cause instanceof Refused refused) {
                return refused;
            }
        }
        return new Failed(what);
    }

    /** Jinja's raise_exception: the template rejects the conversation. */
    public static Object raiseException(String message) {
        throw new Refused(message);
    }

    /** transformers' strftime_now: the current local time in a Python strftime format. */
    public static String strftimeNow(String format) {
        return StrftimeFormatter.format(ZonedDateTime.now(), format);
    }

    private static Jinjava jinja() {
        // Jinja's own behaviour where jinjava keeps older choices of its own by default
        LegacyOverrides jinjaLike = LegacyOverrides.newBuilder().withUseNaturalOperatorPrecedence(true)
                .withParseWhitespaceControlStrictly(true).withUseTrimmingForNotesAndExpressions(true)
                .withIterateOverMapKeys(true).withKeepNullableLoopValues(true).build();
        CompositeELResolver resolver = new CompositeELResolver();
        resolver.add(new PythonStringMethods());
        resolver.add(JinjavaInterpreterResolver.DEFAULT_RESOLVER_READ_ONLY);
        JinjavaConfig config = JinjavaConfig.newBuilder().withTrimBlocks(true).withLstripBlocks(true)
                .withMaxOutputSize(MAX_OUTPUT_CHARS).withLegacyOverrides(jinjaLike).withElResolver(resolver).build();
        Jinjava jinja = new Jinjava(config);
        jinja.registerFunction(new ELFunctionDefinition("", "raise_exception", JinjaChatTemplate.class, "raiseException", String.class));
        jinja.registerFunction(new ELFunctionDefinition("", "strftime_now", JinjaChatTemplate.class, "strftimeNow", String.class));
        return jinja;
    }
}
