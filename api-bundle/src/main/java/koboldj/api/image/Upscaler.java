package koboldj.api.image;

import java.nio.file.Path;

/**
 * An upscaler {@link ImageGenerator#upscale} accepts.
 *
 * @param name  as clients name it
 * @param scale how many times larger a pass makes each side (the plain resizers report 4, as A1111 does)
 * @param model the model file, or null for a plain resizer
 */
public record Upscaler(String name, int scale, Path model) {
}
