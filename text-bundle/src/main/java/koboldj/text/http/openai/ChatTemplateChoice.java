package koboldj.text.http.openai;

import java.util.Optional;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;

import koboldj.api.model.ModelDescriptor;
import koboldj.api.text.TextGenerator;
import koboldj.api.text.Tokenizer;
import koboldj.config.Pids;

/**
 * The chat format in force: what --chatcompletionsadapter names (a named template, a KoboldCpp
 * adapter JSON file or a .jinja template file), or else (AutoGuess) the model's own Jinja template;
 * a Jinja template that cannot be rendered falls back to the named template its markers suggest.
 * Chosen again when the admin API switches to another model.
 */
@Component(service = ChatTemplateChoice.class, configurationPid = Pids.TEXT)
public class ChatTemplateChoice {

    /** The part of the koboldj.text configuration chat needs. */
    @interface Configuration {
        String chatcompletionsadapter() default "AutoGuess";
    }

    private final TextGenerator text;
    private volatile String adapter;
    /** The format chosen for one model; replaced when the model changes. */
    private record Chosen(ModelDescriptor model, String adapter, ChatFormat format, String jinjaText) {
    }
    private volatile Chosen chosen;

    @Activate
    public ChatTemplateChoice(@Reference TextGenerator text, Configuration configuration) {
        this.text = text;
        configure(configuration);
    }

    @Modified
    void configure(Configuration configuration) {
        adapter = configuration.chatcompletionsadapter();
        chosen = choose(text.model(), adapter); // an adapter that cannot be read fails here, not on a request
    }

    private Chosen current() {
        ModelDescriptor model = text.model();
        Chosen known = chosen;
        if (known.model() != model || !known.adapter().equals(adapter)) {
            known = choose(model, adapter);
            chosen = known;
        }
        return known;
    }

    private Chosen choose(ModelDescriptor model, String adapter) {
        String modelTemplate = model.metadata().get("tokenizer.chat_template");
        Optional<String> file = ChatTemplates.jinjaFile(adapter);
        String jinjaText = file.orElse(modelTemplate == null ? "" : modelTemplate);
        ChatFormat format;
        if (file.isPresent()) {
            format = jinja("the chat template file " + adapter, file.get());
        } else if (ChatTemplates.isAutoGuess(adapter) && modelTemplate != null && !modelTemplate.isBlank()) {
            format = jinja("the model's own chat template", modelTemplate);
        } else {
            format = ChatTemplates.choose(adapter, modelTemplate);
        }
        return new Chosen(model, adapter, format, jinjaText);
    }

    private ChatFormat jinja(String origin, String source) {
        Tokenizer tokens = text.tokenizer();
        return JinjaChatFormat.orFallback(origin, source, tokenText(tokens, tokens.bos()), tokenText(tokens, tokens.eos()),
                tokens.tokenize("", true, false).length > 0, ChatTemplates.guess(source));
    }

    private static String tokenText(Tokenizer tokens, int token) {
        return token < 0 ? "" : tokens.detokenize(new int[] {token}, true);
    }

    ChatFormat format() {
        return current().format();
    }

    /** The Jinja template text: a .jinja --chatcompletionsadapter's, else the model's own ("" if it has none). */
    String jinjaText() {
        return current().jinjaText();
    }
}
