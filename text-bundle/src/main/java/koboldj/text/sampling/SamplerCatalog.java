package koboldj.text.sampling;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

import koboldj.api.error.ApiException;
import koboldj.api.sampler.Sampler;
import koboldj.api.sampler.SamplerParameter;
import koboldj.api.sampler.SamplerSettings;
import koboldj.api.sampler.SamplerStep;

/**
 * Every {@link Sampler} service installed right now, by name, whichever bundle registered it;
 * builds the chain a request asks for.
 */
@Component(service = SamplerCatalog.class)
public class SamplerCatalog {
    private final Map<String, Sampler> samplers = new ConcurrentHashMap<>();

    @Reference(service = Sampler.class, cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addSampler(Sampler sampler, Map<String, Object> properties) {
        Object name = properties.get(Sampler.NAME_PROPERTY);
        if (name != null) {
            samplers.put(name.toString(), sampler);
        }
    }

    void removeSampler(Sampler sampler, Map<String, Object> properties) {
        Object name = properties.get(Sampler.NAME_PROPERTY);
        if (name != null) {
            samplers.remove(name.toString(), sampler);
        }
    }

    /** Names and parameters of the installed samplers. */
    public Map<String, List<SamplerParameter>> installed() {
        Map<String, List<SamplerParameter>> result = new TreeMap<>();
        samplers.forEach((name, sampler) -> result.put(name, sampler.parameters()));
        return result;
    }

    /**
     * The chain for one request, in its order; samplers left neutral are left out.
     *
     * @throws ApiException BAD_REQUEST for a sampler that is not installed or a bad parameter
     */
    public SamplerChain chain(SamplerSettings settings) {
        List<SamplerStep> steps = new ArrayList<>();
        List<String> active = new ArrayList<>();
        for (String name : settings.order()) {
            Sampler sampler = samplers.get(name);
            if (sampler == null) {
                boolean processor = settings.value("logits_processors").orElse(List.of()) instanceof List<?> names
                        && names.contains(name);
                throw ApiException.badRequest(processor ? "logits_processors" : "sampler_order",
                        "The sampler '" + name + "' is not installed; GET /api/extra/samplers lists those that are.");
            }
            SamplerStep step = sampler.prepare(settings);
            if (step != null) {
                steps.add(step);
                active.add(name);
            }
        }
        return new SamplerChain(steps, active);
    }
}
