package koboldj.api.image;

import java.util.List;
import java.util.function.Consumer;

import org.osgi.annotation.versioning.ProviderType;

import koboldj.api.model.ModelDescriptor;

/** A loaded image model. Registered with {@code koboldj.capability=txt2img}. Thread-safe. */
@ProviderType
public interface ImageGenerator {

    ModelDescriptor model();

    /** The model files this engine can switch to (the files of the image model's folder), by name. */
    List<String> models();

    /**
     * Loads another model of {@link #models()} in place of the current one, once the running jobs end.
     *
     * @throws koboldj.api.error.ApiException BAD_REQUEST for a name not among them
     */
    void switchModel(String name);

    /** Names of the sampling methods {@link ImageRequest#sampler()} accepts, A1111 spelling. */
    List<String> samplers();

    /** Labels of the schedule types {@link ImageRequest#scheduler()} accepts, A1111 spelling. */
    List<String> schedulers();

    /** The upscalers {@link #upscale} accepts. */
    List<Upscaler> upscalers();

    /** The LoRAs a prompt's {@code <lora:NAME:WEIGHT>} tags may name, read from their folder now. */
    default List<ImageLora> loras() {
        return List.of();
    }

    /**
     * Queues an image request.
     *
     * @param progress told of the job's progress between steps, on the engine's thread; must not block
     * @throws koboldj.api.error.ApiException BAD_REQUEST for invalid settings, BUSY when the queue is full
     */
    ImageJob submit(ImageRequest request, Consumer<ImageProgress> progress);

    /**
     * Resizes a picture with the named upscaler, off the calling thread; the result is a PNG.
     *
     * @param image  base64 PNG/JPEG/WebP, as sent in {@code field}
     * @param factor used when {@code width} and {@code height} are 0
     * @throws koboldj.api.error.ApiException BAD_REQUEST for a bad picture, upscaler or size
     */
    UpscaleJob upscale(String image, String field, String upscaler, double factor, int width, int height);

    /** How far the running job has got. */
    ImageProgress progress();

    /** Stops the running job; the images made so far are its result. False if none runs. */
    boolean interrupt();

    /** Stops the image being made and goes on with the next. False if none runs. */
    boolean skip();
}
