package koboldj.text.engine;

import koboldj.api.error.ApiException;
import koboldj.api.sampler.SamplerSettings;

/**
 * Aphrodite's DeepConf: a generation ends early once its confidence, averaged over a full sliding
 * window of its latest tokens, falls below a threshold. A token's confidence is the negative mean
 * log-probability of the {@code candidates} most likely tokens at that step, under the model's raw
 * distribution over the whole vocabulary (before any sampler), the distribution logprobs report.
 *
 * @param threshold  the window's mean confidence below which the generation ends
 * @param window     how many latest tokens the mean covers; it must be full before it can end anything
 * @param candidates the top-k whose log-probabilities make a token's confidence: the request's
 *                   {@code logprobs} count when it asks for alternatives (as Aphrodite takes the
 *                   alternatives it reports), else {@link #DEFAULT_CANDIDATES}
 */
record DeepConf(double threshold, int window, int candidates) {
    static final String ENABLE = "enable_deepconf";
    static final String THRESHOLD = "deepconf_threshold";
    static final String WINDOW = "deepconf_window_size";
    /** The DeepConf paper's top-k when the request reports no alternatives. */
    static final int DEFAULT_CANDIDATES = 20;
    /** Aphrodite's defaults. */
    private static final double DEFAULT_THRESHOLD = 17;
    private static final int DEFAULT_WINDOW = 2048;

    /**
     * The request's DeepConf, or null when it is off.
     *
     * @param alternatives the logprobs alternatives the request asks for (0: none)
     * @throws ApiException BAD_REQUEST naming the field that is not usable
     */
    static DeepConf of(SamplerSettings settings, int alternatives) {
        Object enable = settings.value(ENABLE).orElse(Boolean.FALSE);
        if (!(enable instanceof Boolean on)) {
            throw ApiException.badRequest(ENABLE, "'enable_deepconf' must be true or false.");
        }
        Object threshold = settings.value(THRESHOLD).orElse(DEFAULT_THRESHOLD);
        if (!(threshold instanceof Number number) || !Double.isFinite(number.doubleValue())) {
            throw ApiException.badRequest(THRESHOLD, "'deepconf_threshold' must be a number.");
        }
        Object window = settings.value(WINDOW).orElse(DEFAULT_WINDOW);
        if (!(window instanceof Integer size && size >= 1)) {
            throw ApiException.badRequest(WINDOW, "'deepconf_window_size' must be a whole number of 1 or more.");
        }
        if (!on) {
            return null;
        }
        return new DeepConf(number.doubleValue(), size, alternatives > 0 ? alternatives : DEFAULT_CANDIDATES);
    }

    /** A fresh window for one generation. */
    ConfidenceWindow newWindow() {
        return new ConfidenceWindow(window, threshold);
    }
}
