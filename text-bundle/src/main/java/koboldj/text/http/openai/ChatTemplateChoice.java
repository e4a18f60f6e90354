package koboldj.text.http.openai;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;

import koboldj.api.text.TextGenerator;
import koboldj.config.Pids;

/** The chat template in force: from --chatcompletionsadapter and the loaded model's own template. */
@Component(service = ChatTemplateChoice.class, configurationPid = Pids.TEXT)
public class ChatTemplateChoice {

    /** The part of the koboldj.text configuration chat needs. */
    @interface Configuration {
        String chatcompletionsadapter() default "AutoGuess";
    }

    private final TextGenerator text;
    private volatile ChatTemplate template;

    @Activate
    public ChatTemplateChoice(@Reference TextGenerator text, Configuration configuration) {
        this.text = text;
        configure(configuration);
    }

    @Modified
    void configure(Configuration configuration) {
        template = ChatTemplates.choose(configuration.chatcompletionsadapter(),
                text.model().metadata().get("tokenizer.chat_template"));
    }

    ChatTemplate template() {
        return template;
    }
}
