package koboldj.text.http.openai;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The body of POST /v1/chat/completions: a completion body with messages instead of a prompt. */
public class ChatInput extends CompletionInput {
    /** {@code [{"role": "user", "content": "..."}]}; content may also be a list of text parts. */
    public List<Object> messages;
    /** {@code [{"type": "function", "function": {"name", "description", "parameters"}}]} */
    public Object tools;
    /** "auto", "none", "required" or {@code {"type": "function", "function": {"name": ...}}}. */
    @JsonProperty("tool_choice")
    public Object toolChoice;
    @JsonProperty("parallel_tool_calls")
    public Object parallelToolCalls;
    /** With {@code "logprobs": true}: how many alternatives per token (0-20). */
    @JsonProperty("top_logprobs")
    public Integer topLogprobs;
}
