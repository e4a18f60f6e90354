package koboldj.api.capability;

import java.util.List;
import java.util.Optional;

/**
 * The capabilities koboldj can offer. A bundle announces one by registering any service with the
 * property {@link #SERVICE_PROPERTY} set to {@link #key()}; the capability is present exactly while
 * such a service is registered. {@code /api/extra/version} reports a capability once it is present
 * and the REST application serves its {@link #routes()}; a request to one of them while the
 * capability is missing gets a 503 naming {@link #enableHint()}.
 */
public enum Capability {
    TEXT("llm", "a text model: start koboldj with --model FILE.gguf",
            "/api/v1/generate", "/api/extra/generate", "/api/extra/abort", "/api/extra/tokencount",
            "/api/extra/tokenize", "/api/extra/detokenize", "/api/extra/last_logprobs",
            "/api/extra/json_to_grammar", "/api/extra/perf", "/api/extra/true_max_context_length",
            "/api/v1/model", "/api/v1/config/", "/v1/completions", "/v1/chat/completions", "/v1/models",
            "/v1/tokenize", "/v1/parallel-requests", "/props"),
    EMBEDDINGS("embeddings", "an embeddings model: start koboldj with --embeddingsmodel FILE.gguf (or --model FILE.gguf)",
            "/api/extra/embeddings", "/v1/embeddings"),
    IMAGE("txt2img", "an image model: start koboldj with --sdmodel FILE",
            "/sdapi/v1/", "/v1/txt2img", "/v1/img2img", "/v1/upscale-img", "/v1/images/",
            "/v1/upscalers", "/v1/img-options", "/v1/img-samplers"),
    VISION("vision", "a vision projector: start koboldj with --mmproj FILE.gguf"),
    TRANSCRIBE("transcribe", "a Whisper model: start koboldj with --whispermodel FILE.bin",
            "/api/extra/transcribe", "/v1/audio/transcriptions"),
    TTS("tts", "a text-to-speech voice: start koboldj with --ttsmodel FILE",
            "/api/extra/tts", "/v1/audio/speech"),
    WEBSEARCH("websearch", "web search: start koboldj with --websearch",
            "/api/extra/websearch"),
    SAVEDATA("savedata", "save slots: start koboldj with --savedatafile FILE",
            "/api/extra/data/"),
    MULTIPLAYER("multiplayer", "multiplayer: start koboldj with --multiplayer",
            "/api/extra/multiplayer/"),
    ADMIN("admin", "the admin API: start koboldj with --admin --admindir DIR",
            "/api/admin/");

    /** Service property a bundle sets to a capability key to announce that capability. */
    public static final String SERVICE_PROPERTY = "koboldj.capability";
    /**
     * Service property a bundle sets to a capability key while it loads that capability (a model
     * given at start or by a reload) and nothing serves it yet: its routes then answer 503 with
     * Retry-After, "loading", instead of naming the flag that would load it.
     */
    public static final String LOADING_PROPERTY = "koboldj.capability.loading";

    private final String key;
    private final String enableHint;
    private final List<String> routes;

    Capability(String key, String enableHint, String... routes) {
        this.key = key;
        this.enableHint = enableHint;
        this.routes = List.of(routes);
    }

    /** The name used in service properties and in {@code /api/extra/version}. */
    public String key() {
        return key;
    }

    /** What loads this capability, phrased to follow "This needs ...". */
    public String enableHint() {
        return enableHint;
    }

    /** Paths this capability serves; an entry ending in '/' covers everything below it. */
    public List<String> routes() {
        return routes;
    }

    /** Whether {@code path} is one of this capability's routes. */
    public boolean owns(String path) {
        for (String route : routes) {
            if (covers(route, path)) {
                return true;
            }
        }
        return false;
    }

    /** Whether one entry of {@link #routes()} covers {@code path}: the same, or below it. */
    public static boolean covers(String route, String path) {
        return route.endsWith("/") ? path.startsWith(route) || path.equals(route.substring(0, route.length() - 1))
                : path.equals(route) || path.startsWith(route + "/");
    }

    /** The capability that serves {@code path}, if any. */
    public static Optional<Capability> owning(String path) {
        for (Capability capability : values()) {
            if (capability.owns(path)) {
                return Optional.of(capability);
            }
        }
        return Optional.empty();
    }

    public static Optional<Capability> byKey(String key) {
        for (Capability capability : values()) {
            if (capability.key.equals(key)) {
                return Optional.of(capability);
            }
        }
        return Optional.empty();
    }
}
