package koboldj.text.http.openai;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;

import koboldj.api.model.ModelDescriptor;
import koboldj.api.text.TextGenerator;
import koboldj.config.Pids;

/**
 * The chat template in force: from --chatcompletionsadapter and the loaded model's own template,
 * chosen again when the admin API switches to another model.
 */
@Component(service = ChatTemplateChoice.class, configurationPid = Pids.TEXT)
public class ChatTemplateChoice {

    /** The part of the koboldj.text configuration chat needs. */
    @interface Configuration {
        String chatcompletionsadapter() default "AutoGuess";
    }

    private final TextGenerator text;
    private volatile String adapter;
    /** The template chosen for one model; replaced when the model changes. */
    private record Chosen(ModelDescriptor model, String adapter, ChatTemplate template) {
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

    ChatTemplate template() {
        ModelDescriptor model = text.model();
        Chosen known = chosen;
        if (known.model() != model || !known.adapter().equals(adapter)) {
            known = choose(model, adapter);
            chosen = known;
        }
        return known.template();
    }

    private static Chosen choose(ModelDescriptor model, String adapter) {
        return new Chosen(model, adapter, ChatTemplates.choose(adapter, model.metadata().get("tokenizer.chat_template")));
    }
}
