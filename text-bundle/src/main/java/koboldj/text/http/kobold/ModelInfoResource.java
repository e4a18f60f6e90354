package koboldj.text.http.kobold;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jakartars.whiteboard.propertytypes.JSONRequired;
import org.osgi.service.jakartars.whiteboard.propertytypes.JakartarsResource;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import koboldj.api.text.EngineStats;
import koboldj.api.text.TextGenerator;
import koboldj.text.http.TextModels;

/** What KoboldAI clients ask about the loaded model and the engine. */
@Component(service = ModelInfoResource.class)
@JakartarsResource
@JSONRequired
@Path("")
@Produces(MediaType.APPLICATION_JSON)
public class ModelInfoResource {
    private final TextModels models;

    @Activate
    public ModelInfoResource(@Reference TextModels models) {
        this.models = models;
    }

    /** The default model, or the one {@code ?model=NAME} names. */
    @GET
    @Path("api/v1/model")
    public Map<String, String> model(@QueryParam("model") String model) {
        return Map.of("result", "koboldcpp/" + models.forRequest(model).model().name());
    }

    @GET
    @Path("api/v1/config/max_context_length")
    public Map<String, Integer> maxContextLength(@QueryParam("model") String model) {
        return Map.of("value", models.forRequest(model).maxContextLength());
    }

    @GET
    @Path("api/v1/config/max_length")
    public Map<String, Integer> maxLength(@QueryParam("model") String model) {
        return Map.of("value", models.forRequest(model).defaultMaxLength());
    }

    @GET
    @Path("api/extra/true_max_context_length")
    public Map<String, Integer> trueMaxContextLength(@QueryParam("model") String model) {
        return Map.of("value", models.forRequest(model).maxContextLength());
    }

    /** The default model's engine figures, or those of the model {@code ?model=NAME} names. */
    @GET
    @Path("api/extra/perf")
    public Map<String, Object> perf(@QueryParam("model") String model) {
        TextGenerator text = models.forRequest(model);
        EngineStats stats = text.stats();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("last_process", perToken(stats.lastProcessSeconds(), stats.lastInputCount()));
        body.put("last_eval", perToken(stats.lastEvalSeconds(), stats.lastTokenCount()));
        body.put("last_token_count", stats.lastTokenCount());
        body.put("last_input_count", stats.lastInputCount());
        body.put("last_process_time", stats.lastProcessSeconds());
        body.put("last_eval_time", stats.lastEvalSeconds());
        body.put("last_process_speed", rate(stats.lastInputCount(), stats.lastProcessSeconds()));
        body.put("last_eval_speed", rate(stats.lastTokenCount(), stats.lastEvalSeconds()));
        body.put("last_seed", stats.lastSeed());
        body.put("total_gens", stats.totalGenerations());
        body.put("stop_reason", stats.lastReason() == null ? -1 : stats.lastReason().koboldCode());
        body.put("queue", stats.queued());
        body.put("idle", stats.idle() ? 1 : 0);
        // since the server started, as KoboldCpp counts it; the engine restarts with every model switch
        body.put("uptime", ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0);
        body.put("cached_prompt_tokens", stats.cachedPromptTokens());
        body.put("running", stats.running());
        body.put("slots", text.parallelSlots());
        body.put("engine_busy_seconds", stats.busySeconds());
        body.put("engine_decode_seconds", stats.decodeSeconds());
        body.put("engine_tokens_sampled", stats.tokensSampled());
        body.put("model", text.model().name());
        EngineStats.KvCache kv = stats.kvCache();
        body.put("kv_cache_tokens", kv.cells());
        body.put("kv_cache_used_tokens", kv.usedCells());
        body.put("kv_cache_bytes", kv.bytes());
        body.put("kv_cache_used_bytes", kv.usedBytes());
        body.put("kv_cache_dropped_prompts", kv.droppedPrefixes());
        body.put("kv_cache_waits", kv.waits());
        body.put("draft_tokens_proposed", stats.drafts().proposed());
        body.put("draft_tokens_accepted", stats.drafts().accepted());
        return body;
    }

    /** KoboldCpp reports last_process and last_eval in milliseconds per token. */
    private static double perToken(double seconds, int tokens) {
        return tokens == 0 ? 0 : seconds * 1000 / tokens;
    }

    private static double rate(int tokens, double seconds) {
        return seconds == 0 ? 0 : tokens / seconds;
    }

}
