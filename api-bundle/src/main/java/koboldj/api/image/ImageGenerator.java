package koboldj.api.image;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

import koboldj.api.model.ModelDescriptor;

/** A loaded image model. Registered with {@code koboldj.capability=txt2img}. Thread-safe. */
@ProviderType
public interface ImageGenerator {

    ModelDescriptor model();

    /** Names of the sampling methods {@link ImageRequest#sampler()} accepts, A1111 spelling. */
    List<String> samplers();

    /** Names of the upscalers {@link #upscale} accepts. */
    List<String> upscalers();

    /**
     * txt2img, or img2img/inpainting when the request carries an init image.
     *
     * @throws koboldj.api.error.ApiException BAD_REQUEST for invalid settings, BUSY when full
     */
    GeneratedImages generate(ImageRequest request);

    /** Enlarges a PNG by {@code factor} with the named upscaler; returns a PNG. */
    byte[] upscale(byte[] png, String upscaler, double factor);

    /** A caption for a PNG (A1111's interrogate). */
    String caption(byte[] png);
}
