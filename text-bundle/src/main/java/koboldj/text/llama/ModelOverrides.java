package koboldj.text.llama;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The metadata overrides a model loads with: --overridekv's, and for --moeexperts KoboldCpp's
 * {@code <arch>.expert_used_count=int:N}. llama.cpp asserts (ending the process) when the experts
 * used are more than the model has, or any on a model without experts, so those are checked here
 * against the file's own metadata first.
 */
final class ModelOverrides {
    private static final String USED = ".expert_used_count";
    private static final String COUNT = ".expert_count";

    private ModelOverrides() {
    }

    /** Whether the file's metadata must be read first to check {@code options}. */
    static boolean needMetadata(ModelLoadOptions options) {
        return options.moeExperts() > 0 || options.overrides().stream().anyMatch(o -> o.key().endsWith(USED) || o.key().endsWith(COUNT));
    }

    /**
     * @param metadata the file's metadata by key (null when absent)
     * @param notes    receives a sentence for a setting that does not apply to this model
     * @throws LlamaException when an override would make llama.cpp abort
     */
    static List<KvOverride> resolve(ModelLoadOptions options, UnaryOperator<String> metadata, Consumer<String> notes) {
        List<KvOverride> overrides = new ArrayList<>(options.overrides());
        if (!needMetadata(options)) {
            return overrides;
        }
        String arch = metadata.apply("general.architecture");
        long experts = number(metadata.apply(arch + COUNT));
        for (KvOverride override : overrides) {
            if (override.key().endsWith(COUNT)) {
                throw new LlamaException("--overridekv cannot change " + override.key() + ": it must match the model's tensors");
            }
        }
        if (options.moeExperts() > 0) {
            if (experts == 0) {
                notes.accept("--moeexperts " + options.moeExperts() + " does not apply: the model has no experts");
            } else {
                overrides.removeIf(o -> o.key().equals(arch + USED)); // --moeexperts wins, as KoboldCpp adds it last
                overrides.add(new KvOverride(arch + USED, KvOverride.Type.INT, (long) options.moeExperts()));
            }
        }
        for (KvOverride override : overrides) {
            if (override.key().endsWith(USED)) {
                long used = override.type() == KvOverride.Type.INT ? (Long) override.value() : -1;
                if (experts == 0 ? used != 0 : used < 1 || used > experts) {
                    throw new LlamaException("the model has " + experts + " experts, so it cannot use " + override.value()
                            + " of them (" + override.key() + ")");
                }
            }
        }
        return overrides;
    }

    private static long number(String text) {
        try {
            return text == null ? 0 : Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
