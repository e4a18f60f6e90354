package koboldj.testing.sdcheckpoints;

/**
 * One tensor of a checkpoint layout.
 *
 * @param name    its LDM name
 * @param shape   outermost first, as PyTorch lists it
 * @param integer true for the int64 {@code position_ids} buffer, the one tensor that is not floating point
 */
public record TensorSpec(String name, long[] shape, boolean integer) {

    public long elements() {
        long count = 1;
        for (long dimension : shape) {
            count *= dimension;
        }
        return count;
    }
}
