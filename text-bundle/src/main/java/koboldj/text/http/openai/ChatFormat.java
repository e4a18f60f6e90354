package koboldj.text.http.openai;

import java.util.List;
import java.util.Map;

/** How a conversation becomes the prompt a model continues: a named template or the model's own. */
interface ChatFormat {

    /**
     * One message of a conversation.
     *
     * @param fields what else the message holds for a template that reads it: an assistant's
     *               {@code tool_calls} (arguments as objects), a tool result's {@code tool_call_id}
     */
    record Message(String role, String content, Map<String, Object> fields) {
        Message(String role, String content) {
            this(role, content, Map.of());
        }
    }

    /** What the logs and /props call it. */
    String name();

    /** The prompt for a conversation, ending where the assistant's reply begins. */
    String render(List<Message> messages);

    /**
     * The prompt for a conversation with tools: the tools, tool calls and results written in the
     * generic form (see {@link GenericTools}) unless the format has one of its own.
     */
    default String render(List<Message> messages, ToolRequest tools) {
        return render(GenericTools.conversation(messages, tools));
    }

    /** Whether the format asks for calls in Hermes/Qwen {@code <tool_call>} blocks (else the generic form is used). */
    default boolean tagsToolCalls() {
        return false;
    }

    /** Texts that mean the assistant's turn is over. */
    List<String> stops();
}
