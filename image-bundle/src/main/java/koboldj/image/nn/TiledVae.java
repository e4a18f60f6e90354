package koboldj.image.nn;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs a VAE half (decoder or encoder) over a large picture in overlapping square tiles, each by the
 * whole-image network, and blends the overlaps with linear ramps, so memory stays that of one tile
 * whatever the picture's size. Tiles are laid out in latent pixels; the network's input and output
 * are {@code inScale} and {@code outScale} times larger (decoder: 1 and 8, encoder: 8 and 1).
 */
final class TiledVae {
    /** Runs the network on one whole input [inChannels][height][width] (in the input's own pixels). */
    interface Network {
        float[] run(float[] input, int height, int width);
    }

    private final Network network;
    private final int inChannels;
    private final int inScale;
    private final int outChannels;
    private final int outScale;
    private final int tile;
    private final int overlap;

    /** @param tile    tile side in latent pixels
     *  @param overlap latent pixels neighbouring tiles share at least */
    TiledVae(Network network, int inChannels, int inScale, int outChannels, int outScale, int tile, int overlap) {
        this.network = network;
        this.inChannels = inChannels;
        this.inScale = inScale;
        this.outChannels = outChannels;
        this.outScale = outScale;
        this.tile = tile;
        this.overlap = overlap;
    }

    /** The decoder: latents [channels][h][w] to pixels [3][scale*h][scale*w]. */
    static TiledVae decoder(Network decoder, int channels, int scale, int tile, int overlap) {
        return new TiledVae(decoder, channels, 1, 3, scale, tile, overlap);
    }

    /** The encoder: pixels [3][scale*h][scale*w] to moments [2*channels][h][w]. */
    static TiledVae encoder(Network encoder, int channels, int scale, int tile, int overlap) {
        return new TiledVae(encoder, 3, scale, 2 * channels, 1, tile, overlap);
    }

    /** The network's output for {@code input} covering a latent of {@code height} x {@code width}. */
    float[] run(float[] input, int height, int width) {
        int th = Math.min(tile, height);
        int tw = Math.min(tile, width);
        int inH = height * inScale;
        int inW = width * inScale;
        int outH = height * outScale;
        int outW = width * outScale;
        float[] sum = new float[outChannels * outH * outW];
        float[] weightSum = new float[outH * outW];
        for (int y0 : starts(height, th)) {
            for (int x0 : starts(width, tw)) {
                int ih = th * inScale;
                int iw = tw * inScale;
                float[] part = new float[inChannels * ih * iw];
                for (int c = 0; c < inChannels; c++) {
                    for (int y = 0; y < ih; y++) {
                        System.arraycopy(input, (c * inH + y0 * inScale + y) * inW + x0 * inScale, part, (c * ih + y) * iw, iw);
                    }
                }
                float[] out = network.run(part, ih, iw);
                int oh = th * outScale;
                int ow = tw * outScale;
                for (int y = 0; y < oh; y++) {
                    float wy = ramp(y, oh, y0 > 0, y0 + th < height);
                    for (int x = 0; x < ow; x++) {
                        float weight = wy * ramp(x, ow, x0 > 0, x0 + tw < width);
                        int at = (y0 * outScale + y) * outW + x0 * outScale + x;
                        weightSum[at] += weight;
                        for (int c = 0; c < outChannels; c++) {
                            sum[c * outH * outW + at] += weight * out[(c * oh + y) * ow + x];
                        }
                    }
                }
            }
        }
        for (int c = 0; c < outChannels; c++) {
            for (int i = 0; i < outH * outW; i++) {
                sum[c * outH * outW + i] /= weightSum[i];
            }
        }
        return sum;
    }

    /** How many tiles {@link #run} runs the network on for a latent of {@code height} x {@code width}. */
    int tiles(int height, int width) {
        return starts(height, Math.min(tile, height)).size() * starts(width, Math.min(tile, width)).size();
    }

    /** Tile starts covering {@code size} with tiles of {@code length} overlapping by at least {@code overlap}. */
    List<Integer> starts(int size, int length) {
        List<Integer> starts = new ArrayList<>();
        int step = Math.max(1, length - overlap);
        int at = 0;
        while (at + length < size) {
            starts.add(at);
            at += step;
        }
        starts.add(size - length);
        return starts;
    }

    /** An output pixel's weight: rising over the overlap at a tile edge shared with a neighbour, 1 elsewhere. */
    private float ramp(int position, int length, boolean neighbourBefore, boolean neighbourAfter) {
        float band = overlap * outScale;
        float weight = 1;
        if (neighbourBefore) {
            weight = Math.min(weight, (position + 0.5f) / band);
        }
        if (neighbourAfter) {
            weight = Math.min(weight, (length - position - 0.5f) / band);
        }
        return weight;
    }
}
