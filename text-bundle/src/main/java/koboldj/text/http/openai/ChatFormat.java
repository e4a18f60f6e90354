package koboldj.text.http.openai;

import java.util.List;

/** How a conversation becomes the prompt a model continues: a named template or the model's own. */
interface ChatFormat {

    /** One message of a conversation. */
    record Message(String role, String content) {
    }

    /** What the logs and /props call it. */
    String name();

    /** The prompt for a conversation, ending where the assistant's reply begins. */
    String render(List<Message> messages);

    /** Texts that mean the assistant's turn is over. */
    List<String> stops();
}
