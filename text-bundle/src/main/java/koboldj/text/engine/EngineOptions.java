package koboldj.text.engine;

/**
 * KoboldCpp's engine switches that shape how a request's prompt becomes tokens and how much of a
 * cached prompt it may reuse.
 *
 * @param defaultMaxLength tokens a request generates when it names no length (--defaultgenamt)
 * @param addBos           whether prompts start with the model's BOS token (off with --nobostoken)
 * @param fastForward      whether a prompt may reuse the cached tokens it starts with (off with
 *                         --nofastforward: every prompt is processed whole)
 * @param contextShift     whether a prompt whose front the client trimmed is shifted in the cache
 *                         (off with --noshift: it is processed again after the reused beginning)
 */
public record EngineOptions(int defaultMaxLength, boolean addBos, boolean fastForward, boolean contextShift) {

    /** KoboldCpp's defaults. */
    public static final EngineOptions DEFAULTS = new EngineOptions(512, true, true, true);

    public EngineOptions {
        if (defaultMaxLength < 1) {
            throw new IllegalArgumentException("invalid default generation length " + defaultMaxLength);
        }
    }
}
