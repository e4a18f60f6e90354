package koboldj.text.llama;

/**
 * How llama.cpp reads a model file: KoboldCpp's --nommap and --usemlock.
 *
 * @param mmap  map the file instead of reading it into memory (off with --nommap)
 * @param mlock lock the model's pages in RAM so they are never swapped out (--usemlock)
 */
public record ModelLoadOptions(boolean mmap, boolean mlock) {

    public static final ModelLoadOptions DEFAULTS = new ModelLoadOptions(true, false);
}
