package koboldj.image.ggml;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * A ggml tensor as Java sees it: the native handle and what was read from it when it was made,
 * so that shapes are checked in Java before a native call (ggml aborts the process on a bad one).
 *
 * @param handle     the {@code struct ggml_tensor *}
 * @param type       its {@code enum ggml_type}
 * @param ne         its four dimensions, innermost first (ggml's order, the reverse of PyTorch's)
 * @param contiguous whether its elements lie in order without gaps
 */
public record Tensor(MemorySegment handle, int type, long[] ne, boolean contiguous) {

    public long ne(int dimension) {
        return ne[dimension];
    }

    public long elements() {
        return ne[0] * ne[1] * ne[2] * ne[3];
    }

    @Override
    public String toString() {
        return "Tensor" + Arrays.toString(ne) + " type " + type + (contiguous ? "" : " (strided)");
    }
}
