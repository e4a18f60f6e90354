package koboldj.text.service;

/** KoboldCpp's --ropeconfig as llama.cpp's rope_freq_scale and rope_freq_base. */
final class RopeConfig {

    private RopeConfig() {
    }

    /**
     * "SCALE BASE" as {scale, base}, where 0 means the model's own. A scale of 0 keeps the model's
     * RoPE altogether, as KoboldCpp does with its default "0 10000"; else a base of 0 keeps the
     * model's base.
     *
     * @throws IllegalArgumentException unless it is one or two finite numbers from 0
     */
    static float[] parse(String text) {
        String[] parts = text == null ? new String[0] : text.trim().split("[\\s,]+");
        if (parts.length < 1 || parts.length > 2 || parts[0].isEmpty()) {
            throw new IllegalArgumentException("--ropeconfig takes one or two numbers, not '" + text + "'");
        }
        float scale = number(parts[0]);
        float base = parts.length > 1 ? number(parts[1]) : 10000f;
        return scale == 0 ? new float[] {0, 0} : new float[] {scale, base};
    }

    private static float number(String text) {
        float value;
        try {
            value = Float.parseFloat(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--ropeconfig needs numbers, not '" + text + "'");
        }
        if (!Float.isFinite(value) || value < 0 || value > 1e9f) {
            throw new IllegalArgumentException("--ropeconfig takes numbers from 0 to 1e9, not " + text);
        }
        return value;
    }
}
