package koboldj.api.image;

import java.util.List;

/**
 * The result of one image request.
 *
 * @param pngs  the images, PNG-encoded
 * @param seeds the seed of each image
 */
public record GeneratedImages(List<byte[]> pngs, List<Long> seeds) {

    public GeneratedImages {
        pngs = List.copyOf(pngs);
        seeds = List.copyOf(seeds);
    }
}
