package koboldj.testing.sdcheckpoints;

import java.util.ArrayList;
import java.util.List;

/**
 * The tensors of an ESRGAN generator (RRDBNet): Real-ESRGAN's names ({@code conv_first},
 * {@code body.N.rdbM.convK}, {@code conv_body}, {@code conv_upN}, {@code conv_hr}, {@code conv_last}) or the older
 * ESRGAN ones ({@code model.0}, {@code model.1.sub.N.RDBM.convK.0}, {@code model.1.sub.B}, then the upsampler's and
 * the head's convolutions numbered as their places in the original Sequential).
 *
 * @param features  channels between blocks (64 in real models)
 * @param growth    channels each dense convolution adds (32 in real models)
 * @param blocks    RRDB blocks (23 in RealESRGAN_x4plus, 6 in its anime model)
 * @param doublings nearest-neighbour doublings (2 for a 4x model)
 */
public record RrdbLayout(int features, int growth, int blocks, int doublings) {

    /** A 4x generator small enough for tests. */
    public static RrdbLayout tiny() {
        return new RrdbLayout(8, 4, 1, 2);
    }

    /** RealESRGAN_x4plus's shape. */
    public static RrdbLayout x4plus() {
        return new RrdbLayout(64, 32, 23, 2);
    }

    public List<TensorSpec> tensors(boolean oldNames) {
        List<TensorSpec> tensors = new ArrayList<>();
        conv(tensors, oldNames ? "model.0" : "conv_first", features, 3);
        for (int b = 0; b < blocks; b++) {
            for (int r = 1; r <= 3; r++) {
                for (int k = 1; k <= 5; k++) {
                    String name = oldNames ? "model.1.sub." + b + ".RDB" + r + ".conv" + k + ".0"
                            : "body." + b + ".rdb" + r + ".conv" + k;
                    conv(tensors, name, k == 5 ? features : growth, features + (k - 1) * growth);
                }
            }
        }
        conv(tensors, oldNames ? "model.1.sub." + blocks : "conv_body", features, features);
        for (int d = 1; d <= doublings; d++) {
            conv(tensors, oldNames ? "model." + 3 * d : "conv_up" + d, features, features);
        }
        conv(tensors, oldNames ? "model." + (3 * doublings + 2) : "conv_hr", features, features);
        conv(tensors, oldNames ? "model." + (3 * doublings + 4) : "conv_last", 3, features);
        return tensors;
    }

    private static void conv(List<TensorSpec> tensors, String name, int out, int in) {
        tensors.add(new TensorSpec(name + ".weight", new long[] {out, in, 3, 3}, false));
        tensors.add(new TensorSpec(name + ".bias", new long[] {out}, false));
    }
}
