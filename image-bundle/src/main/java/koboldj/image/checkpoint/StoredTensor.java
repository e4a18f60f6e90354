package koboldj.image.checkpoint;

import java.lang.foreign.MemorySegment;

/**
 * One tensor of a checkpoint, read in place.
 *
 * @param name  its name in the file, LDM/CompVis spelling ({@code model.diffusion_model.input_blocks.0.0.weight})
 * @param type  how its numbers are stored
 * @param shape its dimensions as PyTorch and safetensors list them, outermost first (the reverse of ggml's
 *              {@code ne}); a GGUF file's dimensions are reversed to this order when read
 * @param data  the stored bytes, a view of the mapped file that lives as long as the {@link TensorSource}
 */
public record StoredTensor(String name, TensorType type, long[] shape, MemorySegment data) {

    public long elements() {
        long count = 1;
        for (long dimension : shape) {
            count *= dimension;
        }
        return count;
    }
}
