package koboldj.text.http.openai;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import koboldj.api.error.ApiException;

/**
 * A Jinja chat template in force: the model's own (GGUF tokenizer.chat_template) or a .jinja file
 * given as --chatcompletionsadapter. A template the engine cannot render falls back to the named
 * template AutoGuess picks, and the log says why; a template that refuses a conversation
 * (raise_exception) is the client's 400.
 */
final class JinjaChatFormat implements ChatFormat {
    private static final Logger LOG = LoggerFactory.getLogger(JinjaChatFormat.class);
    private static final List<Message> PROBE = List.of(new Message("user", "Hello"));

    private final String origin;
    private final JinjaChatTemplate template;
    private final String bosToken;
    private final String eosToken;
    private final boolean tokenizerAddsBos;
    private final ChatTemplate fallback;
    /** The template reads a tool list (and so writes tools, calls and results its own way). */
    private final boolean takesTools;
    /** The template asks for calls in {@code <tool_call>} blocks. */
    private final boolean tagsToolCalls;

    /**
     * @param origin           where the template comes from, for the log and errors
     * @param tokenizerAddsBos whether the engine puts BOS before every prompt itself, so a template's
     *                         leading bos_token would double it (llama.cpp drops it likewise)
     */
    private JinjaChatFormat(String origin, String source, String bosToken, String eosToken, boolean tokenizerAddsBos,
            ChatTemplate fallback) {
        this.origin = origin;
        this.template = new JinjaChatTemplate(source);
        this.bosToken = bosToken;
        this.eosToken = eosToken;
        this.tokenizerAddsBos = tokenizerAddsBos;
        this.fallback = fallback;
        this.takesTools = source.contains("tools");
        this.tagsToolCalls = takesTools && source.contains("<tool_call>");
    }

    /**
     * The template if it renders a one-message conversation, else {@code fallback} (logged), also
     * when the Jinja engine itself cannot start: chat must keep working with a named template.
     */
    static ChatFormat orFallback(String origin, String source, String bosToken, String eosToken, boolean tokenizerAddsBos,
            ChatTemplate fallback) {
        try {
            JinjaChatFormat jinja = new JinjaChatFormat(origin, source, bosToken, eosToken, tokenizerAddsBos, fallback);
            jinja.template.render(PROBE, bosToken, eosToken, true);
            LOG.info("Chat prompts use {}", origin);
            return jinja;
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("{} cannot be used ({}); chat prompts use the {} template instead", origin, e.getMessage(), fallback.name());
            return fallback;
        }
    }

    @Override
    public String name() {
        return origin;
    }

    @Override
    public String render(List<Message> messages) {
        return render(messages, ToolRequest.NONE);
    }

    /** A template that reads {@code tools} gets them and the messages as they are; others get the generic form. */
    @Override
    public String render(List<Message> messages, ToolRequest tools) {
        boolean ownTools = takesTools;
        // chat templates know "system"; OpenAI's "developer" is its newer name
        List<Message> conversation = (ownTools ? messages : GenericTools.conversation(messages, tools)).stream()
                .map(m -> m.role().equals("developer") ? new Message("system", m.content(), m.fields()) : m).toList();
        String prompt;
        try {
            prompt = template.render(conversation, ownTools && tools.active() ? tools.tools() : null, bosToken, eosToken,
                    true);
        } catch (JinjaChatTemplate.Refused e) {
            throw ApiException.badRequest("messages", "The chat template refuses this conversation: " + e.getMessage());
        } catch (JinjaChatTemplate.Failed e) {
            LOG.warn("{} failed on a conversation ({}); it uses the {} template instead", origin, e.getMessage(), fallback.name());
            return fallback.render(messages, tools);
        }
        return tokenizerAddsBos && !bosToken.isEmpty() && prompt.startsWith(bosToken) ? prompt.substring(bosToken.length()) : prompt;
    }

    @Override
    public boolean tagsToolCalls() {
        return tagsToolCalls;
    }

    /** The named template's stops: the model's end-of-generation tokens end the reply in any case. */
    @Override
    public List<String> stops() {
        return fallback.stops();
    }
}
