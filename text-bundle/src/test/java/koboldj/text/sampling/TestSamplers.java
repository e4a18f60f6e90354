package koboldj.text.sampling;

import java.util.Map;

import koboldj.api.sampler.Sampler;

/** A sampler catalog with some built-in samplers installed, for engine tests that run outside the OSGi container. */
public final class TestSamplers {
    private TestSamplers() {
    }

    /** The catalog with temperature, top-k and the repetition penalty. */
    public static SamplerCatalog catalog() {
        SamplerCatalog catalog = new SamplerCatalog();
        catalog.addSampler(new RepetitionPenalty(), Map.of(Sampler.NAME_PROPERTY, RepetitionPenalty.NAME));
        catalog.addSampler(new TopK(), Map.of(Sampler.NAME_PROPERTY, TopK.NAME));
        catalog.addSampler(new Temperature(), Map.of(Sampler.NAME_PROPERTY, Temperature.NAME));
        return catalog;
    }
}
