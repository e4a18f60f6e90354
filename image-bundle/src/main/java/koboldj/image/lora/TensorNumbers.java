package koboldj.image.lora;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import koboldj.image.checkpoint.StoredTensor;
import koboldj.image.checkpoint.TensorType;
import koboldj.image.ggml.Ggml;

/** A stored tensor's numbers as float32 and back, in whichever type it is stored (ggml converts and quantises). */
final class TensorNumbers {

    private TensorNumbers() {
    }

    static float[] floats(StoredTensor tensor) {
        long count = tensor.elements();
        if (count > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("tensor " + tensor.name() + " is too large to merge");
        }
        try (Arena scratch = Arena.ofConfined()) {
            MemorySegment floats = scratch.allocate(JAVA_FLOAT, count);
            Ggml.toFloat(tensor.type().ggmlType, tensor.data(), floats, count);
            return floats.toArray(JAVA_FLOAT);
        }
    }

    /** {@code values} stored as {@code type} in new memory of {@code arena}, rows along the innermost dimension of {@code shape}. */
    static MemorySegment stored(float[] values, TensorType type, long[] shape, Arena arena) {
        long perRow = shape.length == 0 ? 1 : shape[shape.length - 1];
        MemorySegment target = arena.allocate(type.byteSize(shape), 64);
        try (Arena scratch = Arena.ofConfined()) {
            MemorySegment floats = scratch.allocateFrom(JAVA_FLOAT, values);
            Ggml.fromFloat(type.ggmlType, floats, target, values.length / perRow, perRow);
        }
        return target;
    }
}
