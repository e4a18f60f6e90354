package koboldj.audio.tts;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The voices a request may name: espeak-ng's own ({@code en-us}, {@code de}, optionally with a
 * variant, {@code en-us+f3}), OpenAI's six and KoboldCpp's five named speakers (what KoboldAI Lite
 * offers), each played by a different espeak voice and variant. A name is matched without regard
 * to case or a {@code .wav} ending (KoboldCpp's XTTS-style clients send file names); an empty one
 * is the default voice.
 */
public final class VoiceCatalog {
    /** OpenAI's voices, each an English voice with a variant of its own (pitch and timbre). */
    static final Map<String, String> NAMED = named();
    static final String DEFAULT_VOICE = "en-us";

    private final List<String> voices;
    private final Map<String, String> variantsByLowerCase = new LinkedHashMap<>();
    private final Map<String, String> named;

    /**
     * @param voices   the engine's voices, lower case
     * @param variants the engine's variants, as spelled
     */
    public VoiceCatalog(List<String> voices, List<String> variants) {
        this.voices = List.copyOf(voices);
        variants.forEach(variant -> variantsByLowerCase.putIfAbsent(variant.toLowerCase(Locale.ROOT), variant));
        Map<String, String> mapped = new LinkedHashMap<>();
        NAMED.forEach((name, spec) -> {
            if (resolveEspeak(spec).isPresent()) {
                mapped.put(name, spec);
            }
        });
        this.named = Collections.unmodifiableMap(mapped);
    }

    /** Every name to list: OpenAI's and KoboldCpp's first, then espeak-ng's voices. */
    public List<String> names() {
        List<String> names = new ArrayList<>(named.keySet());
        names.addAll(voices);
        return List.copyOf(names);
    }

    /** The espeak voice (with its variant) for a requested name, or empty for a name it does not know. */
    public Optional<String> resolve(String requested) {
        String name = requested == null ? "" : requested.strip().toLowerCase(Locale.ROOT);
        if (name.endsWith(".wav")) {
            name = name.substring(0, name.length() - ".wav".length());
        }
        if (name.isEmpty()) {
            return resolveEspeak(DEFAULT_VOICE).or(() -> voices.stream().findFirst());
        }
        String mapped = named.get(name);
        return mapped != null ? Optional.of(mapped) : resolveEspeak(name);
    }

    private Optional<String> resolveEspeak(String name) {
        int plus = name.indexOf('+');
        String voice = (plus < 0 ? name : name.substring(0, plus)).toLowerCase(Locale.ROOT);
        if (!voices.contains(voice)) {
            return Optional.empty();
        }
        if (plus < 0) {
            return Optional.of(voice);
        }
        String variant = variantsByLowerCase.get(name.substring(plus + 1).toLowerCase(Locale.ROOT));
        return variant == null ? Optional.empty() : Optional.of(voice + "+" + variant);
    }

    private static Map<String, String> named() {
        Map<String, String> voices = new LinkedHashMap<>();
        // OpenAI's
        voices.put("alloy", "en-us+f3");
        voices.put("echo", "en-us+m3");
        voices.put("fable", "en-gb-x-rp+m2");
        voices.put("onyx", "en-us+m7");
        voices.put("nova", "en-us+f2");
        voices.put("shimmer", "en-gb-x-rp+f4");
        // KoboldCpp's
        voices.put("kobo", "en-us+m1");
        voices.put("cheery", "en-us+f5");
        voices.put("sleepy", "en-gb-x-rp+m4");
        voices.put("shouty", "en-us+m6");
        voices.put("chatty", "en-gb-x-rp+f1");
        return Collections.unmodifiableMap(voices);
    }
}
