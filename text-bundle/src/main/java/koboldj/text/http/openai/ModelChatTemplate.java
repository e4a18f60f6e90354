package koboldj.text.http.openai;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import koboldj.api.error.ApiException;

/**
 * The model's own chat template (GGUF tokenizer.chat_template), rendered with Jinja. A template the
 * engine cannot render falls back to the named template AutoGuess picks, and the log says why; a
 * template that refuses a conversation (raise_exception) is the client's 400.
 */
final class ModelChatTemplate implements ChatFormat {
    private static final Logger LOG = LoggerFactory.getLogger(ModelChatTemplate.class);
    private static final List<Message> PROBE = List.of(new Message("user", "Hello"));

    private final JinjaChatTemplate template;
    private final String bosToken;
    private final String eosToken;
    private final boolean tokenizerAddsBos;
    private final ChatTemplate fallback;

    /**
     * @param tokenizerAddsBos whether the engine puts BOS before every prompt itself, so a template's
     *                         leading bos_token would double it (llama.cpp drops it likewise)
     */
    ModelChatTemplate(String source, String bosToken, String eosToken, boolean tokenizerAddsBos, ChatTemplate fallback) {
        this.template = new JinjaChatTemplate(source);
        this.bosToken = bosToken;
        this.eosToken = eosToken;
        this.tokenizerAddsBos = tokenizerAddsBos;
        this.fallback = fallback;
    }

    /** The model's template if it renders a one-message conversation, else {@code fallback} (logged). */
    static ChatFormat orFallback(String source, String bosToken, String eosToken, boolean tokenizerAddsBos, ChatTemplate fallback) {
        ModelChatTemplate model = new ModelChatTemplate(source, bosToken, eosToken, tokenizerAddsBos, fallback);
        try {
            model.template.render(PROBE, bosToken, eosToken, true);
            LOG.info("Chat prompts use the model's own chat template");
            return model;
        } catch (JinjaChatTemplate.Refused | JinjaChatTemplate.Failed e) {
            LOG.warn("The model's chat template cannot be used ({}); chat prompts use the {} template instead",
                    e.getMessage(), fallback.name());
            return fallback;
        }
    }

    @Override
    public String name() {
        return "model's own (tokenizer.chat_template)";
    }

    @Override
    public String render(List<Message> messages) {
        // chat templates know "system"; OpenAI's "developer" is its newer name
        List<Message> conversation = messages.stream()
                .map(m -> m.role().equals("developer") ? new Message("system", m.content()) : m).toList();
        String prompt;
        try {
            prompt = template.render(conversation, bosToken, eosToken, true);
        } catch (JinjaChatTemplate.Refused e) {
            throw ApiException.badRequest("messages", "The model's chat template refuses this conversation: " + e.getMessage());
        } catch (JinjaChatTemplate.Failed e) {
            LOG.warn("The model's chat template failed on a conversation ({}); this one uses the {} template", e.getMessage(),
                    fallback.name());
            return fallback.render(messages);
        }
        return tokenizerAddsBos && !bosToken.isEmpty() && prompt.startsWith(bosToken) ? prompt.substring(bosToken.length()) : prompt;
    }

    /** The named template's stops: the model's end-of-generation tokens end the reply in any case. */
    @Override
    public List<String> stops() {
        return fallback.stops();
    }
}
