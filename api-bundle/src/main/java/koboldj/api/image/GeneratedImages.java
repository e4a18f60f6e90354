package koboldj.api.image;

import java.util.List;

/**
 * The result of one image request.
 *
 * @param pngs      the images, PNG-encoded, each carrying its infotext as A1111's "parameters"
 * @param seeds     the seed of each image
 * @param infotexts A1111's infotext of each image
 * @param sampler   the sampling method used, A1111's name
 * @param scheduler the schedule type used, A1111's label
 */
public record GeneratedImages(List<byte[]> pngs, List<Long> seeds, List<String> infotexts, String sampler,
        String scheduler) {

    public GeneratedImages {
        pngs = List.copyOf(pngs);
        seeds = List.copyOf(seeds);
        infotexts = List.copyOf(infotexts);
    }
}
