package koboldj.text.http.openai;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The body of POST /v1/chat/completions: a completion body with messages instead of a prompt. */
public class ChatInput extends CompletionInput {
    /** {@code [{"role": "user", "content": "..."}]}; content may also be a list of text parts. */
    public List<Object> messages;
    @JsonProperty("max_completion_tokens")
    public Integer maxCompletionTokens;
    /** With {@code "logprobs": true}: how many alternatives per token (0-20). */
    @JsonProperty("top_logprobs")
    public Integer topLogprobs;
}
