package koboldj.image.nn;

import java.util.ArrayList;
import java.util.List;

/**
 * Decodes a large latent in overlapping square tiles, each by the whole-image decoder, and blends
 * the overlaps with linear ramps, so memory stays that of one tile whatever the image size.
 */
final class TiledDecode {
    /** Decodes one whole latent [C][h][w] to pixels [3][scale*h][scale*w]. */
    interface Decoder {
        float[] decode(float[] latents, int height, int width);
    }

    private final Decoder decoder;
    private final int channels;
    private final int scale;
    private final int tile;
    private final int overlap;

    TiledDecode(Decoder decoder, int channels, int scale, int tile, int overlap) {
        this.decoder = decoder;
        this.channels = channels;
        this.scale = scale;
        this.tile = tile;
        this.overlap = overlap;
    }

    float[] decode(float[] latents, int height, int width) {
        int th = Math.min(tile, height);
        int tw = Math.min(tile, width);
        int outH = height * scale;
        int outW = width * scale;
        float[] sum = new float[3 * outH * outW];
        float[] weightSum = new float[outH * outW];
        for (int y0 : starts(height, th)) {
            for (int x0 : starts(width, tw)) {
                float[] part = new float[channels * th * tw];
                for (int c = 0; c < channels; c++) {
                    for (int y = 0; y < th; y++) {
                        System.arraycopy(latents, (c * height + y0 + y) * width + x0, part, (c * th + y) * tw, tw);
                    }
                }
                float[] pixels = decoder.decode(part, th, tw);
                int ph = th * scale;
                int pw = tw * scale;
                for (int y = 0; y < ph; y++) {
                    float wy = ramp(y, ph, y0 > 0, y0 + th < height);
                    for (int x = 0; x < pw; x++) {
                        float weight = wy * ramp(x, pw, x0 > 0, x0 + tw < width);
                        int at = (y0 * scale + y) * outW + x0 * scale + x;
                        weightSum[at] += weight;
                        for (int c = 0; c < 3; c++) {
                            sum[c * outH * outW + at] += weight * pixels[(c * ph + y) * pw + x];
                        }
                    }
                }
            }
        }
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < outH * outW; i++) {
                sum[c * outH * outW + i] /= weightSum[i];
            }
        }
        return sum;
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

    /** A pixel's weight: rising over the overlap at a tile edge shared with a neighbour, 1 elsewhere. */
    private float ramp(int position, int length, boolean neighbourBefore, boolean neighbourAfter) {
        float band = overlap * scale;
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
