package koboldj.text.llama;

import java.util.List;

/**
 * How llama.cpp reads a model file: KoboldCpp's --nommap, --usemlock, --overridekv and --moeexperts.
 *
 * @param mmap       map the file instead of reading it into memory (off with --nommap)
 * @param mlock      lock the model's pages in RAM so they are never swapped out (--usemlock)
 * @param overrides  GGUF metadata values that replace the file's
 * @param moeExperts experts a mixture-of-experts model uses per token; -1 as many as its GGUF says
 */
public record ModelLoadOptions(boolean mmap, boolean mlock, List<KvOverride> overrides, int moeExperts) {

    public static final ModelLoadOptions DEFAULTS = new ModelLoadOptions(true, false);

    public ModelLoadOptions {
        overrides = List.copyOf(overrides);
        if (moeExperts < -1) {
            throw new IllegalArgumentException("--moeexperts is -1 or more, not " + moeExperts);
        }
    }

    public ModelLoadOptions(boolean mmap, boolean mlock) {
        this(mmap, mlock, List.of(), -1);
    }
}
