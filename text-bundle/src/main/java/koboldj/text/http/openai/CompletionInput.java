package koboldj.text.http.openai;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The body of POST /v1/completions as OpenAI clients send it. Fields this class does not name
 * (KoboldCpp's and Aphrodite's sampler parameters, plugins' parameters) are kept in {@link #extra}.
 */
public class CompletionInput {
    public String model;
    /** A string, or a list holding one string. */
    public Object prompt;
    @JsonProperty("max_tokens")
    public Integer maxTokens;
    public Double temperature;
    @JsonProperty("top_p")
    public Double topP;
    public Integer n;
    /** Generate this many and answer with the n best (by cumulative logprob); not with stream. */
    @JsonProperty("best_of")
    public Integer bestOf;
    public Boolean stream;
    /** A string or a list of strings. */
    public Object stop;
    public Long seed;
    /** Completions: how many alternatives per token to report (0-20). Chat: true or false, with {@code top_logprobs}. */
    public Object logprobs;
    @JsonProperty("repetition_penalty")
    public Double repetitionPenalty;
    @JsonProperty("ignore_eos")
    public Boolean ignoreEos;
    @JsonProperty("include_stop_str_in_output")
    public Boolean includeStopStrInOutput;
    @JsonProperty("sampler_priority")
    public java.util.List<Object> samplerPriority;
    /** OpenAI's name for max_tokens (chat clients send it); wins when both are given. */
    @JsonProperty("max_completion_tokens")
    public Integer maxCompletionTokens;
    /** {@code {"type": "text" | "json_object" | "json_schema", ...}}: the output is held to it by a grammar. */
    @JsonProperty("response_format")
    public Object responseFormat;
    /** {@code {"include_usage": true}}: a last chunk with the usage (streams only). */
    @JsonProperty("stream_options")
    public Object streamOptions;
    /** OpenAI's end-user id and request tags: accepted and checked, they change nothing here. */
    public Object user;
    public Object metadata;

    public final Map<String, Object> extra = new LinkedHashMap<>();

    @JsonAnySetter
    void other(String name, Object value) {
        extra.put(name, value);
    }
}
