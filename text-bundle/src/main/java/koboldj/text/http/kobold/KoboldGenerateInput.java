package koboldj.text.http.kobold;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The body of /api/v1/generate and /api/extra/generate/stream, as KoboldAI clients send it.
 * Absent fields are null and take KoboldCpp's defaults; fields this class does not name are kept
 * in {@link #extra} for samplers that plugins add.
 */
public class KoboldGenerateInput {
    public String prompt;
    public String memory;
    @JsonProperty("max_context_length")
    public Integer maxContextLength;
    @JsonProperty("max_length")
    public Integer maxLength;
    @JsonProperty("stop_sequence")
    public List<String> stopSequence;
    @JsonProperty("trim_stop")
    public Boolean trimStop;
    public String genkey;
    @JsonProperty("sampler_seed")
    public Long samplerSeed;
    /** KoboldCpp's sampler numbers, or sampler names (plugins are named). */
    @JsonProperty("sampler_order")
    public List<Object> samplerOrder;
    @JsonProperty("bypass_eos")
    public Boolean bypassEos;
    @JsonProperty("ban_eos_token")
    public Boolean banEosToken;
    /** KoboldAI's older name for banning the end-of-stream token; KoboldCpp treats it so. */
    @JsonProperty("use_default_badwordsids")
    public Boolean useDefaultBadwordsids;
    @JsonProperty("render_special")
    public Boolean renderSpecial;
    public Boolean quiet;
    /** true for the 5 most likely alternatives per token, or how many (0-20). */
    public Object logprobs;
    public Integer n;

    public Double temperature;
    @JsonProperty("top_k")
    public Integer topK;
    @JsonProperty("top_p")
    public Double topP;
    @JsonProperty("min_p")
    public Double minP;
    @JsonProperty("top_a")
    public Double topA;
    public Double typical;
    public Double tfs;
    @JsonProperty("rep_pen")
    public Double repPen;
    @JsonProperty("rep_pen_range")
    public Integer repPenRange;
    @JsonProperty("rep_pen_slope")
    public Double repPenSlope;

    /** Every other field, for plugin samplers. */
    public final Map<String, Object> extra = new LinkedHashMap<>();

    @JsonAnySetter
    void other(String name, Object value) {
        extra.put(name, value);
    }
}
