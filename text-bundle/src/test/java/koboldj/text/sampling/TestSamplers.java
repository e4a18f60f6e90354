package koboldj.text.sampling;

import java.util.Map;

/** A sampler catalog with the built-in samplers installed, for engine tests that run outside the OSGi container. */
public final class TestSamplers {
    private TestSamplers() {
    }

    /** The catalog with temperature, top-k and the repetition penalty. */
    public static SamplerCatalog catalog() {
        SamplerCatalog catalog = new SamplerCatalog();
        catalog.addSampler(new RepetitionPenalty(), Map.of(koboldj.api.sampler.Sampler.NAME_PROPERTY, RepetitionPenalty.NAME));
        catalog.addSampler(new TopK(), Map.of(koboldj.api.sampler.Sampler.NAME_PROPERTY, TopK.NAME));
        catalog.addSampler(new Temperature(), Map.of(koboldj.api.sampler.Sampler.NAME_PROPERTY, Temperature.NAME));
        return catalog;
    }
}
