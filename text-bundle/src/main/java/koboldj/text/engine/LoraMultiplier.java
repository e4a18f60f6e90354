package koboldj.text.engine;

import koboldj.api.error.ApiException;
import koboldj.api.sampler.SamplerSettings;
import koboldj.text.llama.LoraAdapters;

/**
 * Aphrodite's {@code multiplier}: how strongly one request applies the --lora adapters, as a
 * factor of --loramult. A context applies one strength to everything it decodes together, so
 * requests of different strengths take turns in it, and a prompt cached at one strength is not
 * reused at another.
 */
final class LoraMultiplier {
    static final String FIELD = "multiplier";
    private static final double MAX = 16;

    private LoraMultiplier() {
    }

    /** @throws ApiException BAD_REQUEST for a multiplier out of range, or one given where no adapter is loaded */
    static void check(SamplerSettings settings, LoraAdapters adapters) {
        Object value = settings.value(FIELD).orElse(null);
        if (value == null) {
            return;
        }
        if (!(value instanceof Number number) || !Double.isFinite(number.doubleValue()) || number.doubleValue() < 0
                || number.doubleValue() > MAX) {
            throw ApiException.badRequest(FIELD, "'multiplier' must be a number from 0 to " + (int) MAX
                    + ": how strongly the LoRA adapter applies (1: as loaded).");
        }
        if (adapters.isEmpty() && number.doubleValue() != 1) {
            throw ApiException.badRequest(FIELD, "'multiplier' scales a LoRA adapter, and this server has none loaded "
                    + "(start koboldj with --lora FILE.gguf).");
        }
    }

    /** The request's multiplier, 1 when it names none; {@link #check} has passed. */
    static float of(SamplerSettings settings) {
        return settings.value(FIELD).map(value -> ((Number) value).floatValue()).orElse(1f);
    }
}
