package koboldj.config;

import static koboldj.config.FlagType.ASSIGNMENT;
import static koboldj.config.FlagType.FILE;
import static koboldj.config.FlagType.FILES;
import static koboldj.config.FlagType.INTEGER;
import static koboldj.config.FlagType.KV_OVERRIDE;
import static koboldj.config.FlagType.MODEL;
import static koboldj.config.FlagType.NUMBER;
import static koboldj.config.FlagType.NUMBER_PAIR;
import static koboldj.config.FlagType.OPTIONAL_INTEGER;
import static koboldj.config.FlagType.PATH;
import static koboldj.config.FlagType.SWITCH;
import static koboldj.config.FlagType.TEXT;
import static koboldj.config.FlagType.URL;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Every flag koboldj accepts: KoboldCpp's, with the same names and meanings, and koboldj's own.
 * The order is the order of {@code --help}.
 */
public final class Flags {
    private static final Map<String, Flag> BY_SPELLING = new LinkedHashMap<>();
    private static final List<Flag> ALL = new ArrayList<>();

    static {
        flag("model", FILES, "", "text model to load (GGUF); several may follow or the flag be repeated, each served under its "
                + "file name without .gguf, the first the default", List.of(Pids.TEXT, Pids.EMBEDDINGS), "-m");
        flag("modeldir", FILE, "", "koboldj: folder of text models (GGUF): its files in name order are loaded after the --model "
                + "ones, within --modelmax; the admin API may load the others", List.of());
        flag("modelmax", INTEGER, 4, "koboldj: the most text models loaded at once", List.of(), 1, 64);
        flag("port", INTEGER, 5001, "port to listen on", List.of(Pids.SERVER), 1, 65535);
        flag("host", TEXT, "127.0.0.1", "address to listen on; 0.0.0.0 for every interface", List.of(Pids.SERVER));
        flag("contextsize", INTEGER, 4096, "context size in tokens", List.of(Pids.TEXT), 256, 262144, "--ctx-size", "-c");
        flag("threads", INTEGER, -1, "CPU threads for generation; -1 picks the best for this machine", List.of(Pids.TEXT, Pids.EMBEDDINGS), "-t");
        flag("blasthreads", INTEGER, 0, "CPU threads for prompt processing; 0 uses --threads", List.of(Pids.TEXT, Pids.EMBEDDINGS),
                "--batchthreads", "--threadsbatch", "--threads-batch");
        numberChoice("batchsize", 512, "tokens per prompt-processing batch", List.of(Pids.TEXT),
                Set.of(-1, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096), "--blasbatchsize", "--batch-size", "-b");
        flag("password", TEXT, "", "API key: every API route then needs 'Authorization: Bearer KEY'", List.of(Pids.SERVER));
        flag("admin", SWITCH, false, "enable the admin API (needs --admindir)", List.of(Pids.SERVER, Pids.ADMIN));
        flag("adminpassword", TEXT, "", "key for the admin API", List.of(Pids.SERVER, Pids.ADMIN));
        flag("admindir", FILE, "", "folder of .kcpps configurations the admin API may switch to", List.of(Pids.ADMIN));
        flag("config", FILE, "", "load flags from a .kcpps file (JSON); flags given here win", List.of());
        flag("preloadstory", TEXT, "", "story JSON file served at /api/extra/preloadstory", List.of(Pids.STORAGE));
        flag("multiuser", OPTIONAL_INTEGER, 1, "queue requests from many users; N>1 allows N-1 waiting", List.of(Pids.TEXT), 0, 1000);
        flag("multiplayer", SWITCH, false, "enable the shared multiplayer story", List.of(Pids.STORAGE));
        flag("debugmode", OPTIONAL_INTEGER, 0, "1 prints each start-up stage with its time since the process started "
                + "(JVM, container, bundles, HTTP, text model, first token)", List.of(), -1, 1, "--debug");
        flag("quiet", SWITCH, false, "do not log prompts and outputs", List.of(Pids.SERVER, Pids.TEXT));
        flag("savedatafile", PATH, "", "database file for save slots", List.of(Pids.STORAGE));
        flag("sdmodel", FILE, "", "image model to load", List.of(Pids.IMAGE));
        flag("sdvae", FILE, "", "VAE to use in place of the image model's own", List.of(Pids.IMAGE));
        flag("sdupscaler", FILE, "", "ESRGAN upscaler (.safetensors or .gguf) for extra-single-image, upscale-img and hires fix",
                List.of(Pids.IMAGE));
        flag("sdlora", FILE, "", "image LoRA (.safetensors, kohya or diffusers naming) merged into the image model at load",
                List.of(Pids.IMAGE));
        flag("sdloramult", NUMBER, 1.0, "strength of the --sdlora image LoRA", List.of(Pids.IMAGE), -100, 100);
        flag("sdloradir", FILE, "", "koboldj: folder of image LoRAs (.safetensors) a prompt's <lora:NAME:WEIGHT> names, "
                + "merged for that job only", List.of(Pids.IMAGE));
        flag("sdthreads", INTEGER, 0, "CPU threads for image generation; 0 uses every core", List.of(Pids.IMAGE), 0, 256);
        add(new Flag("sdquant", OPTIONAL_INTEGER, 0, "quantise the image model's f16/f32 matrices at load to save memory: "
                + "0 off, 1 q8_0, 2 q4_0 (given bare: 2)", List.of(Pids.IMAGE), List.of(), null, null, Set.of(0, 1, 2), 2));
        add(new Flag("sdclamped", OPTIONAL_INTEGER, 0, "largest side of an image in pixels (given bare: 512; 0 off); "
                + "larger requests are scaled down keeping their aspect", List.of(Pids.IMAGE), List.of(), 0, 8192, Set.of(), 512));
        flag("sdclampedsoft", INTEGER, 0, "largest image area as a side of a square (640 allows 640x640 and 512x768); "
                + "larger requests are scaled down keeping their aspect; 0 off", List.of(Pids.IMAGE), 0, 8192);
        flag("sdtiledvae", INTEGER, 768, "decode (and encode) images of more than this side squared pixels by the VAE in "
                + "tiles; 0 never tiles", List.of(Pids.IMAGE), 0, 8192);
        flag("sdnotile", SWITCH, false, "never tile the VAE (as --sdtiledvae 0); large images need more memory", List.of(Pids.IMAGE));
        flag("sdtaesd", FILE, "", "koboldj: a TAESD tiny autoencoder (.safetensors) for fast progress previews "
                + "(and the final decode with --sdvaeauto)", List.of(Pids.IMAGE));
        flag("sdvaeauto", SWITCH, false, "decode final images with the --sdtaesd tiny autoencoder: fast, lower quality",
                List.of(Pids.IMAGE));
        flag("whispermodel", FILE, "", "Whisper model for speech to text", List.of(Pids.TRANSCRIBE));
        flag("ttsmodel", MODEL, "", "text-to-speech model; espeak-ng for the built-in espeak-ng voices", List.of(Pids.TTS));
        flag("embeddingsmodel", FILE, "", "embedding model (GGUF); without it the text model embeds", List.of(Pids.EMBEDDINGS));
        flag("embeddingsmaxctx", INTEGER, 0, "longest embeddings input in tokens; 0: the model's trained context, at most 2048",
                List.of(Pids.EMBEDDINGS), 0, 262144);
        flag("websearch", SWITCH, false, "enable /api/extra/websearch", List.of(Pids.WEBSEARCH));
        flag("websearchurl", URL, "", "koboldj: search with this SearXNG instance (its JSON API, URL/search?q=...&format=json) "
                + "instead of DuckDuckGo", List.of(Pids.WEBSEARCH));
        flag("websearchallowlocal", SWITCH, false, "koboldj: let web search read result pages on loopback, private and link-local "
                + "addresses (an intranet); refused by default", List.of(Pids.WEBSEARCH));
        flag("maxrequestsize", INTEGER, 32, "largest request body in MB", List.of(Pids.SERVER), 1, 4096);
        flag("onready", TEXT, "", "shell command to run once the server is serving", List.of());
        flag("chatcompletionsadapter", TEXT, "AutoGuess", "chat template: a name, a KoboldCpp adapter JSON file, a Jinja .jinja file, or AutoGuess (the model's own)", List.of(Pids.TEXT));
        flag("defaultgenamt", INTEGER, 180, "tokens to generate when a request names no max_length; below --contextsize",
                List.of(Pids.TEXT), 64, 32768);
        flag("nobostoken", SWITCH, false, "do not start prompts with the model's BOS token (not for most models)", List.of(Pids.TEXT));
        flag("nofastforward", SWITCH, false, "process every prompt whole, reusing no cached tokens (implies --noshift)",
                List.of(Pids.TEXT));
        flag("noshift", SWITCH, false, "no context shift: a story trimmed at the front is processed again", List.of(Pids.TEXT));
        flag("flashattention", SWITCH, false, "use flash attention", List.of(Pids.TEXT));
        numberChoice("quantkv", 0, "KV cache type: 0 f16, 1 q8_0, 2 q4_0; quantises only the keys without --flashattention",
                List.of(Pids.TEXT), Set.of(0, 1, 2));
        add(new Flag("ropeconfig", NUMBER_PAIR, "0.0 10000.0", "RoPE frequency scale and base (base 10000 when left out); "
                + "scale 0 keeps the model's own RoPE", List.of(Pids.TEXT), List.of(), null, null, Set.of()));
        flag("nommap", SWITCH, false, "read the model into memory instead of mapping the file", List.of(Pids.TEXT));
        flag("usemlock", SWITCH, false, "lock the model in RAM so it is never swapped out", List.of(Pids.TEXT));
        flag("overridekv", KV_OVERRIDE, "", "replace a GGUF metadata value when the model loads: KEY=TYPE:VALUE, TYPE int, float, "
                + "bool or str (for debugging)", List.of(Pids.TEXT));
        flag("moeexperts", INTEGER, -1, "experts a mixture-of-experts model uses per token; -1 as its GGUF says",
                List.of(Pids.TEXT), -1, 256);
        flag("lora", FILES, "", "LoRA adapters (GGUF) applied to the text model; several may follow", List.of(Pids.TEXT));
        flag("loramult", NUMBER, 1.0, "strength of the --lora adapters; a request's 'multiplier' scales it", List.of(Pids.TEXT),
                0, 100);
        flag("draftmodel", FILE, "", "speculative decoding: a small model with the text model's vocabulary drafts tokens that "
                + "the text model verifies together; the output is as without it", List.of(Pids.TEXT));
        flag("draftamount", INTEGER, 8, "tokens the --draftmodel drafts per step", List.of(Pids.TEXT), 1, 64);
        flag("draftgpulayers", INTEGER, 999, "accepted for KoboldCpp compatibility; koboldj runs on the CPU", List.of());
        flag("mmproj", FILE, "", "vision projector for the text model", List.of(Pids.TEXT));
        flag("skiplauncher", SWITCH, false, "accepted for KoboldCpp compatibility; koboldj has no GUI launcher", List.of());
        flag("gpulayers", INTEGER, -1, "accepted for KoboldCpp compatibility; koboldj runs on the CPU", List.of(),
                "--gpu-layers", "--n-gpu-layers", "-ngl");
        flag("usecpu", SWITCH, false, "accepted for KoboldCpp compatibility; koboldj runs on the CPU", List.of());
        flag("parallel", INTEGER, 4, "koboldj: generations decoded side by side (continuous batching)", List.of(Pids.TEXT), 1, 64, "-np");
        flag("lanes", INTEGER, 0, "koboldj: llama contexts the --parallel slots are spread over, decoded side by side; "
                + "0 picks one per full context the --kvbudget holds (up to one per slot) for tiny models (under 10M "
                + "parameters), and one for larger ones", List.of(Pids.TEXT), 0, 64);
        flag("kvbudget", INTEGER, 0, "koboldj: tokens of KV cache the --parallel slots share, each taking cells as it grows; "
                + "0 picks one --contextsize (KoboldCpp's memory), or a full context per slot when that takes under 64 MB",
                List.of(Pids.TEXT), 0, 16_777_216);
        flag("bundles", PATH, "", "koboldj: extra folder watched for plugin bundles (jars) to hot-deploy", List.of());
        flag("shell", SWITCH, false, "koboldj: start the Gogo shell on this terminal for operators", List.of());
        flag("conf", PATH, "conf", "koboldj: folder of OSGi configuration files (PID.cfg, PID.config) for plugins, "
                + "watched while the server runs", List.of());
        flag("set", ASSIGNMENT, "", "koboldj: a configuration property for any component, a plugin's included "
                + "(repeatable), e.g. --set org.example.echo.greeting=hi", List.of());
    }

    private Flags() {
    }

    public static List<Flag> all() {
        return List.copyOf(ALL);
    }

    /** The flag for a spelling such as {@code --contextsize}, {@code -c} or {@code contextsize}. */
    public static Optional<Flag> find(String spelling) {
        Flag flag = BY_SPELLING.get(spelling);
        if (flag == null && !spelling.startsWith("-")) {
            flag = BY_SPELLING.get("--" + spelling);
        }
        return Optional.ofNullable(flag);
    }

    public static Flag get(String name) {
        return find(name).orElseThrow(() -> new IllegalArgumentException("no flag " + name));
    }

    /** The text of {@code --help}. */
    public static String help() {
        StringBuilder text = new StringBuilder("usage: bin/koboldj [model.gguf [port]] [flags]\n\nflags:\n");
        for (Flag flag : ALL) {
            StringBuilder spelling = new StringBuilder("--" + flag.name());
            flag.aliases().forEach(alias -> spelling.append(", ").append(alias));
            switch (flag.type()) {
                case INTEGER -> spelling.append(" N");
                case OPTIONAL_INTEGER -> spelling.append(" [N]");
                case TEXT -> spelling.append(" TEXT");
                case URL -> spelling.append(" URL");
                case KV_OVERRIDE -> spelling.append(" KEY=TYPE:VALUE");
                case PATH, FILE -> spelling.append(" PATH");
                case FILES -> spelling.append(" FILE [FILE...]");
                case NUMBER -> spelling.append(" X");
                case MODEL -> spelling.append(" PATH|NAME");
                case ASSIGNMENT -> spelling.append(" PID.key=value");
                case NUMBER_PAIR -> spelling.append(" SCALE [BASE]");
                case SWITCH -> { }
            }
            String defaultText = flag.type() == SWITCH || "".equals(flag.defaultValue()) ? "" : " (default " + flag.defaultValue() + ")";
            text.append(String.format("  %-44s %s%s%n", spelling, flag.help(), defaultText));
        }
        text.append(String.format("  %-44s %s%n", "--help, -h", "show this help"));
        text.append(String.format("  %-44s %s%n", "--version", "print the version"));
        return text.toString();
    }

    private static void flag(String name, FlagType type, Object defaultValue, String help, List<String> pids, String... aliases) {
        add(new Flag(name, type, defaultValue, help, pids, List.of(aliases), null, null, Set.of()));
    }

    private static void flag(String name, FlagType type, Object defaultValue, String help, List<String> pids, int min, int max,
            String... aliases) {
        add(new Flag(name, type, defaultValue, help, pids, List.of(aliases), min, max, Set.of()));
    }

    private static void numberChoice(String name, int defaultValue, String help, List<String> pids, Set<Integer> choices,
            String... aliases) {
        add(new Flag(name, INTEGER, defaultValue, help, pids, List.of(aliases), null, null, choices));
    }

    private static void add(Flag flag) {
        ALL.add(flag);
        BY_SPELLING.put("--" + flag.name(), flag);
        flag.aliases().forEach(alias -> BY_SPELLING.put(alias, flag));
    }
}
