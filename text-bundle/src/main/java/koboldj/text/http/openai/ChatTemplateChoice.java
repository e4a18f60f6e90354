package koboldj.text.http.openai;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;

import koboldj.api.model.ModelDescriptor;
import koboldj.api.text.TextGenerator;
import koboldj.api.text.Tokenizer;
import koboldj.config.Pids;
import koboldj.text.http.TextModels;

/**
 * The chat format of each text model: what --chatcompletionsadapter names (a named template, a
 * KoboldCpp adapter JSON file or a .jinja template file), or else (AutoGuess) the model's own Jinja
 * template; a Jinja template that cannot be rendered falls back to the named template its markers
 * suggest. Chosen once per loaded model, again when the admin API switches models.
 */
@Component(service = ChatTemplateChoice.class, configurationPid = Pids.TEXT)
public class ChatTemplateChoice {
    /** Formats kept for models no longer loaded are dropped past this many. */
    private static final int REMEMBERED = 16;

    /** The part of the koboldj.text configuration chat needs. */
    @interface Configuration {
        String chatcompletionsadapter() default "AutoGuess";
    }

    private final TextModels models;
    private volatile String adapter;
    /** The format chosen for one model; replaced when the model changes. */
    private record Chosen(String adapter, ChatFormat format, String jinjaText) {
    }
    /** By the model's descriptor, which a reload replaces. Guarded by itself. */
    private final Map<ModelDescriptor, Chosen> chosen = new IdentityHashMap<>();

    @Activate
    public ChatTemplateChoice(@Reference TextModels models, Configuration configuration) {
        this.models = models;
        configure(configuration);
    }

    @Modified
    void configure(Configuration configuration) {
        adapter = configuration.chatcompletionsadapter();
        current(models.defaultModel()); // an adapter that cannot be read fails here, not on a request
    }

    private Chosen current(TextGenerator text) {
        ModelDescriptor model = text.model();
        String wanted = adapter;
        synchronized (chosen) {
            Chosen known = chosen.get(model);
            if (known == null || !known.adapter().equals(wanted)) {
                if (chosen.size() >= REMEMBERED) {
                    chosen.clear();
                }
                known = choose(text, model, wanted);
                chosen.put(model, known);
            }
            return known;
        }
    }

    private Chosen choose(TextGenerator text, ModelDescriptor model, String adapter) {
        String modelTemplate = model.metadata().get("tokenizer.chat_template");
        Optional<String> file = ChatTemplates.jinjaFile(adapter);
        String jinjaText = file.orElse(modelTemplate == null ? "" : modelTemplate);
        ChatFormat format;
        if (file.isPresent()) {
            format = jinja(text, "the chat template file " + adapter, file.get());
        } else if (ChatTemplates.isAutoGuess(adapter) && modelTemplate != null && !modelTemplate.isBlank()) {
            format = jinja(text, "the model's own chat template", modelTemplate);
        } else {
            format = ChatTemplates.choose(adapter, modelTemplate);
        }
        return new Chosen(adapter, format, jinjaText);
    }

    private static ChatFormat jinja(TextGenerator text, String origin, String source) {
        Tokenizer tokens = text.tokenizer();
        return JinjaChatFormat.orFallback(origin, source, tokenText(tokens, tokens.bos()), tokenText(tokens, tokens.eos()),
                tokens.tokenize("", true, false).length > 0, ChatTemplates.guess(source));
    }

    private static String tokenText(Tokenizer tokens, int token) {
        return token < 0 ? "" : tokens.detokenize(new int[] {token}, true);
    }

    /** The chat format of {@code text}'s model. */
    ChatFormat format(TextGenerator text) {
        return current(text).format();
    }

    /** The Jinja template text: a .jinja --chatcompletionsadapter's, else the model's own ("" if it has none). */
    String jinjaText(TextGenerator text) {
        return current(text).jinjaText();
    }
}
