package koboldj.image.job;

import java.awt.image.BufferedImage;
import java.nio.file.Path;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import koboldj.image.checkpoint.TensorSource;
import koboldj.image.checkpoint.UpscalerFiles;
import koboldj.image.nn.EsrganUpscaler;
import koboldj.image.nn.TileProgress;
import koboldj.image.picture.Resizer;

/**
 * The --sdupscaler ESRGAN model as an upscaler named after its file: it enlarges by its scale until
 * the picture covers the size asked for (at most three times), then Lanczos brings it to that size
 * exactly, as A1111 uses its model upscalers. Runs on the image queue's worker only, as every graph
 * of the image engine's library does.
 */
final class EsrganModel implements PictureUpscaler, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EsrganModel.class);
    private static final int MAX_PASSES = 3;

    private final Path file;
    private final String name;
    private final TensorSource weights;
    private final EsrganUpscaler network;

    private EsrganModel(Path file, String name, TensorSource weights, EsrganUpscaler network) {
        this.file = file;
        this.name = name;
        this.weights = weights;
        this.network = network;
    }

    /** @throws IllegalArgumentException with a sentence naming what is wrong with the file */
    static EsrganModel load(Path file, int threads) {
        long start = System.nanoTime();
        TensorSource weights = UpscalerFiles.open(file);
        try {
            EsrganModel model = new EsrganModel(file.toAbsolutePath(), ImageEngine.stem(file.getFileName().toString()), weights,
                    EsrganUpscaler.load(weights, threads));
            LOG.info("Upscaler {} (x{}) loaded in {} ms", model.name, model.scale(), (System.nanoTime() - start) / 1_000_000);
            return model;
        } catch (RuntimeException e) {
            weights.close();
            throw e;
        }
    }

    String name() {
        return name;
    }

    Path file() {
        return file;
    }

    int scale() {
        return network.scale();
    }

    @Override
    public BufferedImage resize(BufferedImage picture, int width, int height) {
        return resize(picture, width, height, UpscaleProgress.NONE);
    }

    /**
     * As {@link #resize(BufferedImage, int, int)}, reporting each tile of each pass and giving up between tiles once
     * {@code progress} says so.
     *
     * @throws java.util.concurrent.CancellationException when stopped
     */
    @Override
    public BufferedImage resize(BufferedImage picture, int width, int height, UpscaleProgress progress) {
        int passes = passes(picture.getWidth(), picture.getHeight(), width, height);
        BufferedImage current = picture;
        for (int pass = 0; pass < passes; pass++) {
            int at = pass;
            current = enlarged(current, new TileProgress() {
                @Override
                public boolean stopped() {
                    return progress.stopped();
                }

                @Override
                public void tiles(int done, int tiles) {
                    progress.tiles(at, passes, done, tiles);
                }
            });
        }
        return current.getWidth() == width && current.getHeight() == height ? current
                : Resizer.LANCZOS.resize(current, width, height);
    }

    /** How many passes of the network enlarging {@code fromWidth x fromHeight} take to cover {@code width x height}. */
    int passes(int fromWidth, int fromHeight, int width, int height) {
        int passes = 0;
        long w = fromWidth;
        long h = fromHeight;
        while (passes < MAX_PASSES && (w < width || h < height) && network.scale() > 1) {
            w *= network.scale();
            h *= network.scale();
            passes++;
        }
        return passes;
    }

    private BufferedImage enlarged(BufferedImage picture, TileProgress progress) {
        int width = picture.getWidth();
        int height = picture.getHeight();
        int plane = width * height;
        float[] rgb = new float[3 * plane];
        for (int i = 0; i < plane; i++) {
            int pixel = picture.getRGB(i % width, i / width);
            for (int c = 0; c < 3; c++) {
                rgb[c * plane + i] = (pixel >> (16 - 8 * c) & 0xFF) / 255f;
            }
        }
        int s = network.scale();
        float[] out = network.upscale(rgb, height, width, progress);
        BufferedImage result = new BufferedImage(width * s, height * s, BufferedImage.TYPE_INT_RGB);
        int outPlane = plane * s * s;
        for (int i = 0; i < outPlane; i++) {
            int pixel = 0;
            for (int c = 0; c < 3; c++) {
                pixel |= Math.round(Math.clamp(out[c * outPlane + i], 0f, 1f) * 255) << (16 - 8 * c);
            }
            result.setRGB(i % (width * s), i / (width * s), pixel);
        }
        return result;
    }

    @Override
    public void close() {
        network.close();
        weights.close();
    }
}
