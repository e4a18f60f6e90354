package koboldj.image.job;

import java.awt.image.BufferedImage;

import koboldj.image.sampling.Denoiser;
import koboldj.image.sampling.NoiseSource;
import koboldj.image.sampling.Samplers;
import koboldj.image.sampling.SamplingProgress;

/**
 * The hires fix's second pass, as A1111 runs it: the first pass's latent enlarged (or its picture, by an upscaler,
 * then encoded again), the middle cropped when both hr_resize sides were given, the seed's noise of the new size
 * added at the second plan's first noise level, and img2img sampling from there. Runs on the queue's worker only.
 */
final class HiresSecondPass {
    /** The UNet guided by the prompts, as a denoiser of a latent of that size. */
    @FunctionalInterface
    interface GuidedDenoiser {
        Denoiser of(int latentHeight, int latentWidth);
    }

    private final DiffusionModel model;
    private final SeededNoise noise;

    HiresSecondPass(DiffusionModel model, SeededNoise noise) {
        this.model = model;
        this.noise = noise;
    }

    /** The final picture from the first pass's {@code latent}, or null when the job was cancelled. */
    BufferedImage run(HiresPlan hires, float[] latent, int latentHeight, int latentWidth, long seed, GuidedDenoiser guided,
            int index, JobControl control) {
        int scale = model.vaeScale();
        int channels = model.latentChannels();
        int coverHeight = hires.coverHeight() / scale;
        int coverWidth = hires.coverWidth() / scale;
        float[] enlarged;
        if (hires.latentMode() != null) {
            enlarged = hires.latentMode().resize(latent, channels, latentHeight, latentWidth, coverHeight, coverWidth);
        } else {
            BufferedImage picture = hires.picture().resize(VaeLatents.decode(model, latent, latentHeight, latentWidth),
                    coverWidth * scale, coverHeight * scale, new UpscaleProgress() {
                        @Override
                        public boolean stopped() {
                            return control.cancelled();
                        }

                        @Override
                        public void tiles(int pass, int passes, int done, int tiles) {
                            control.upscaleTiles(done, tiles);
                        }
                    });
            enlarged = VaeLatents.encode(model, picture);
        }
        int height = hires.height() / scale;
        int width = hires.width() / scale;
        float[] x = cropped(enlarged, channels, coverHeight, coverWidth, height, width);
        if (hires.plan() == null) {
            return VaeLatents.decode(model, x, height, width);
        }
        NoiseSource stream = noise.stream(seed);
        float[] fresh = stream.next(x.length);
        double firstSigma = hires.plan().sigmas()[0];
        for (int k = 0; k < x.length; k++) {
            x[k] += (float) (fresh[k] * firstSigma);
        }
        control.imageStarted(index, hires.plan().steps());
        float[] second = Samplers.sample(hires.plan(), guided.of(height, width), x, stream, new SamplingProgress() {
            @Override
            public void stepDone(int step, int steps, float[] denoised) {
                control.stepDone(step, denoised, height, width);
            }

            @Override
            public boolean stopped() {
                return control.interrupted() || control.takeSkip();
            }
        });
        return control.cancelled() ? null : VaeLatents.decode(model, second, height, width);
    }

    /** The middle {@code height x width} of latent planes {@code [channels][fromHeight][fromWidth]}, as A1111 truncates. */
    private static float[] cropped(float[] planes, int channels, int fromHeight, int fromWidth, int height, int width) {
        if (fromHeight == height && fromWidth == width) {
            return planes.clone();
        }
        int top = (fromHeight - height) / 2;
        int left = (fromWidth - width) / 2;
        float[] out = new float[channels * height * width];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < height; y++) {
                System.arraycopy(planes, (c * fromHeight + top + y) * fromWidth + left, out, (c * height + y) * width, width);
            }
        }
        return out;
    }
}
