package koboldj.text.http.openai;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;

import koboldj.api.text.TextGenerator;
import koboldj.api.text.Tokenizer;
import koboldj.config.Pids;

/**
 * The chat format in force: the template --chatcompletionsadapter names, or else (AutoGuess) the
 * model's own Jinja template, falling back to the named template its markers suggest.
 */
@Component(service = ChatTemplateChoice.class, configurationPid = Pids.TEXT)
public class ChatTemplateChoice {

    /** The part of the koboldj.text configuration chat needs. */
    @interface Configuration {
        String chatcompletionsadapter() default "AutoGuess";
    }

    private final TextGenerator text;
    private volatile ChatFormat format;

    @Activate
    public ChatTemplateChoice(@Reference TextGenerator text, Configuration configuration) {
        this.text = text;
        configure(configuration);
    }

    @Modified
    void configure(Configuration configuration) {
        String adapter = configuration.chatcompletionsadapter();
        String modelTemplate = text.model().metadata().get("tokenizer.chat_template");
        ChatTemplate named = ChatTemplates.choose(adapter, modelTemplate);
        if (ChatTemplates.isAutoGuess(adapter) && modelTemplate != null && !modelTemplate.isBlank()) {
            Tokenizer tokens = text.tokenizer();
            format = ModelChatTemplate.orFallback(modelTemplate, tokenText(tokens, tokens.bos()), tokenText(tokens, tokens.eos()),
                    tokens.tokenize("", true, false).length > 0, named);
        } else {
            format = named;
        }
    }

    private static String tokenText(Tokenizer tokens, int token) {
        return token < 0 ? "" : tokens.detokenize(new int[] {token}, true);
    }

    ChatFormat format() {
        return format;
    }
}
