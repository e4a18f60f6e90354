package koboldj.text.http.openai;

import java.util.Optional;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;

import koboldj.api.text.TextGenerator;
import koboldj.api.text.Tokenizer;
import koboldj.config.Pids;

/**
 * The chat format in force: what --chatcompletionsadapter names (a named template, a KoboldCpp
 * adapter JSON file or a .jinja template file), or else (AutoGuess) the model's own Jinja template;
 * a Jinja template that cannot be rendered falls back to the named template its markers suggest.
 */
@Component(service = ChatTemplateChoice.class, configurationPid = Pids.TEXT)
public class ChatTemplateChoice {

    /** The part of the koboldj.text configuration chat needs. */
    @interface Configuration {
        String chatcompletionsadapter() default "AutoGuess";
    }

    private final TextGenerator text;
    private volatile ChatFormat format;
    private volatile String jinjaText;

    @Activate
    public ChatTemplateChoice(@Reference TextGenerator text, Configuration configuration) {
        this.text = text;
        configure(configuration);
    }

    @Modified
    void configure(Configuration configuration) {
        String adapter = configuration.chatcompletionsadapter();
        String modelTemplate = text.model().metadata().get("tokenizer.chat_template");
        Optional<String> file = ChatTemplates.jinjaFile(adapter);
        jinjaText = file.orElse(modelTemplate == null ? "" : modelTemplate);
        if (file.isPresent()) {
            format = jinja("the chat template file " + adapter, file.get());
        } else if (ChatTemplates.isAutoGuess(adapter) && modelTemplate != null && !modelTemplate.isBlank()) {
            format = jinja("the model's own chat template", modelTemplate);
        } else {
            format = ChatTemplates.choose(adapter, modelTemplate);
        }
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
        return format;
    }

    /** The Jinja template text: a .jinja --chatcompletionsadapter's, else the model's own ("" if it has none). */
    String jinjaText() {
        return jinjaText;
    }
}
