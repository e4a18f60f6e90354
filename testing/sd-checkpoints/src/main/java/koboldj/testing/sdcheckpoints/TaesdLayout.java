package koboldj.testing.sdcheckpoints;

import java.util.ArrayList;
import java.util.List;

/**
 * The decoder tensors of a TAESD tiny autoencoder under diffusers' names ({@code decoder.layers.N}): a convolution of
 * the latent (then a ReLU, layer 1), three levels of residual blocks ({@code conv.0}, {@code conv.2},
 * {@code conv.4}) each followed by a doubling and a bias-free convolution, one more block and a convolution to RGB.
 *
 * @param width  channels throughout (64 in the real one)
 * @param blocks blocks per level (3 in the real one)
 */
public record TaesdLayout(int width, int blocks) {

    /** A decoder small enough for tests. */
    public static TaesdLayout tiny() {
        return new TaesdLayout(8, 1);
    }

    public List<TensorSpec> tensors() {
        List<TensorSpec> tensors = new ArrayList<>();
        conv(tensors, "decoder.layers.0", width, 4, true);
        int i = 2;
        for (int level = 0; level < 3; level++) {
            for (int b = 0; b < blocks; b++) {
                block(tensors, "decoder.layers." + i++);
            }
            i++; // the doubling
            conv(tensors, "decoder.layers." + i++, width, width, false);
        }
        block(tensors, "decoder.layers." + i++);
        conv(tensors, "decoder.layers." + i, 3, width, true);
        return tensors;
    }

    private void block(List<TensorSpec> tensors, String prefix) {
        for (int k : new int[] {0, 2, 4}) {
            conv(tensors, prefix + ".conv." + k, width, width, true);
        }
    }

    private static void conv(List<TensorSpec> tensors, String name, int out, int in, boolean bias) {
        tensors.add(new TensorSpec(name + ".weight", new long[] {out, in, 3, 3}, false));
        if (bias) {
            tensors.add(new TensorSpec(name + ".bias", new long[] {out}, false));
        }
    }
}
