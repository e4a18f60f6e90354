package koboldj.image.job;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import koboldj.image.checkpoint.TensorSource;
import koboldj.image.checkpoint.UpscalerFiles;
import koboldj.image.nn.EsrganUpscaler;
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
        return resize(picture, width, height, () -> false);
    }

    /**
     * As {@link #resize(BufferedImage, int, int)}, giving up between tiles once {@code stopped} says so.
     *
     * @throws java.util.concurrent.CancellationException when stopped
     */
    BufferedImage resize(BufferedImage picture, int width, int height, BooleanSupplier stopped) {
        BufferedImage current = picture;
        for (int pass = 0; pass < MAX_PASSES && (current.getWidth() < width || current.getHeight() < height)
                && network.scale() > 1; pass++) {
            current = enlarged(current, stopped);
        }
        return current.getWidth() == width && current.getHeight() == height ? current
                : Resizer.LANCZOS.resize(current, width, height);
    }

    private BufferedImage enlarged(BufferedImage picture, BooleanSupplier stopped) {
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
        float[] out = network.upscale(rgb, height, width, stopped);
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
