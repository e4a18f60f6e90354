package koboldj.api.sampler;

/**
 * A parameter a sampler reads from the request.
 *
 * @param name        the request field, e.g. {@code top_k}
 * @param type        its JSON type: "number", "integer", "boolean", "string", "array" or "object"
 * @param neutral     the value at which the sampler does nothing (null if there is none)
 * @param description one sentence on what it does
 */
public record SamplerParameter(String name, String type, Object neutral, String description) {
}
