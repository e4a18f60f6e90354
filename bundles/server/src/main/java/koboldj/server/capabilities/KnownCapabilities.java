package koboldj.server.capabilities;

import static koboldj.api.capability.KoboldCppKeys.ADMIN;
import static koboldj.api.capability.KoboldCppKeys.EMBEDDINGS;
import static koboldj.api.capability.KoboldCppKeys.IMAGE;
import static koboldj.api.capability.KoboldCppKeys.MULTIPLAYER;
import static koboldj.api.capability.KoboldCppKeys.SAVEDATA;
import static koboldj.api.capability.KoboldCppKeys.TEXT;
import static koboldj.api.capability.KoboldCppKeys.TRANSCRIBE;
import static koboldj.api.capability.KoboldCppKeys.TTS;
import static koboldj.api.capability.KoboldCppKeys.VISION;
import static koboldj.api.capability.KoboldCppKeys.WEBSEARCH;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import koboldj.api.capability.CapabilityDescriptor;

/**
 * KoboldCpp's own capabilities, as its clients know them: always reported in
 * {@code /api/extra/version}, and while missing their routes answer 503 saying which KoboldCpp flag
 * loads them (or, for the lists clients read on every connect, {@code []}). A bundle that brings one
 * announces just its key; anything it announces besides overrides what is here.
 */
public final class KnownCapabilities {
    static final List<CapabilityDescriptor> ALL = List.of(
            CapabilityDescriptor.of(TEXT, "a text model: start koboldj with --model FILE.gguf",
                    "/api/v1/generate", "/api/extra/generate/stream", "/api/extra/generate/check", "/api/extra/abort",
                    "/api/extra/tokencount", "/api/extra/tokenize", "/api/extra/detokenize", "/api/extra/last_logprobs",
                    "/api/extra/json_to_grammar", "/api/extra/perf", "/api/extra/true_max_context_length",
                    "/api/extra/samplers", "/api/v1/model", "/api/v1/config/", "/v1/completions", "/v1/chat/completions",
                    "/v1/models", "/v1/tokenize", "/v1/parallel-requests", "/props"),
            CapabilityDescriptor.of(EMBEDDINGS,
                    "an embeddings model: start koboldj with --embeddingsmodel FILE.gguf (or --model FILE.gguf)",
                    "/api/extra/embeddings", "/v1/embeddings"),
            CapabilityDescriptor.of(IMAGE, "an image model: start koboldj with --sdmodel FILE",
                    "/sdapi/v1/", "/v1/txt2img", "/v1/img2img", "/v1/upscale-img", "/v1/images/", "/v1/upscalers",
                    "/v1/img-options", "/v1/img-samplers", "/v1/models/image-models")
                    .withApi("a1111", "Automatic1111 API", "/sdapi/v1")
                    .withEmptyLists("/sdapi/v1/sd-models", "/sdapi/v1/samplers", "/sdapi/v1/schedulers",
                            "/sdapi/v1/upscalers", "/sdapi/v1/latent-upscale-modes", "/sdapi/v1/loras"),
            CapabilityDescriptor.of(VISION, "a vision projector: start koboldj with --mmproj FILE.gguf"),
            CapabilityDescriptor.of(TRANSCRIBE, "a Whisper model: start koboldj with --whispermodel FILE.bin",
                    "/api/extra/transcribe", "/v1/audio/transcriptions", "/v1/audio/translations"),
            CapabilityDescriptor.of(TTS, "a text-to-speech voice: start koboldj with --ttsmodel espeak-ng",
                    "/api/extra/tts", "/v1/audio/speech"),
            CapabilityDescriptor.of(WEBSEARCH, "web search: start koboldj with --websearch", "/api/extra/websearch"),
            CapabilityDescriptor.of(SAVEDATA, "save slots: start koboldj with --savedatafile FILE", "/api/extra/data/"),
            CapabilityDescriptor.of(MULTIPLAYER, "multiplayer: start koboldj with --multiplayer", "/api/extra/multiplayer/"),
            CapabilityDescriptor.of(ADMIN, "the admin API: start koboldj with --admin --admindir DIR", "/api/admin/"));

    private KnownCapabilities() {
    }

    public static Optional<CapabilityDescriptor> byKey(String key) {
        return ALL.stream().filter(known -> known.key().equals(key)).findFirst();
    }

    public static List<CapabilityDescriptor> all() {
        return ALL;
    }

    /**
     * The capability that serves {@code path}: of those with a route covering it, the one whose route
     * is the longest, so that {@code /v1/models/image-models} is the image capability's although the
     * text capability covers {@code /v1/models}; on a tie the first in {@code all}.
     */
    public static Optional<CapabilityDescriptor> owner(List<CapabilityDescriptor> all, String path) {
        CapabilityDescriptor owner = null;
        int longest = -1;
        for (CapabilityDescriptor descriptor : all) {
            for (String route : descriptor.routes()) {
                if (CapabilityDescriptor.covers(route, path) && route.length() > longest) {
                    owner = descriptor;
                    longest = route.length();
                }
            }
        }
        return Optional.ofNullable(owner);
    }

    /**
     * Every capability to report: the known ones in KoboldCpp's order, each as the bundle that
     * brings it describes it or else as known, then the present ones nobody knew of.
     */
    public static List<CapabilityDescriptor> withPresent(Map<String, CapabilityDescriptor> present) {
        List<CapabilityDescriptor> all = new ArrayList<>();
        for (CapabilityDescriptor known : ALL) {
            all.add(present.getOrDefault(known.key(), known));
        }
        present.values().stream().filter(descriptor -> byKey(descriptor.key()).isEmpty()).forEach(all::add);
        return all;
    }
}
