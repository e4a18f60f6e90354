package koboldj.image.job;

import koboldj.image.sampling.NoiseSource;

/**
 * The seed's random numbers: the stream a seed starts, which gives the first latent's noise and then
 * the noise of every ancestral step, as A1111's and stable-diffusion.cpp's generators do.
 */
@FunctionalInterface
public interface SeededNoise {

    NoiseSource stream(long seed);
}
