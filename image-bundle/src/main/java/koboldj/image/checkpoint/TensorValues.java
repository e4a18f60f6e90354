package koboldj.image.checkpoint;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * A stored tensor's numbers as floats, decoding ggml's block formats in Java: for the few small tensors that Java
 * code reads itself, and to check files that tests write.
 */
public final class TensorValues {

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private TensorValues() {
    }

    public static float[] floats(StoredTensor tensor) {
        long count = tensor.elements();
        if (count > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(tensor.name() + " has too many elements for one Java array");
        }
        float[] values = new float[(int) count];
        MemorySegment data = tensor.data();
        TensorType type = tensor.type();
        for (int block = 0; block < values.length / type.blockElements; block++) {
            decodeBlock(type, data, (long) block * type.blockBytes, values, block * type.blockElements);
        }
        return values;
    }

    private static void decodeBlock(TensorType type, MemorySegment data, long at, float[] out, int first) {
        switch (type) {
            case F32 -> out[first] = data.get(F32, at);
            case F16 -> out[first] = half(data, at);
            case BF16 -> out[first] = Float.intBitsToFloat((data.get(U16, at) & 0xFFFF) << 16);
            case Q8_0 -> {
                float scale = half(data, at);
                for (int j = 0; j < 32; j++) {
                    out[first + j] = data.get(ValueLayout.JAVA_BYTE, at + 2 + j) * scale;
                }
            }
            case Q4_0, Q4_1 -> {
                boolean withMin = type == TensorType.Q4_1;
                float scale = half(data, at);
                float min = withMin ? half(data, at + 2) : 0;
                int zero = withMin ? 0 : 8;
                long quants = at + (withMin ? 4 : 2);
                for (int j = 0; j < 16; j++) {
                    int packed = data.get(ValueLayout.JAVA_BYTE, quants + j) & 0xFF;
                    out[first + j] = ((packed & 0x0F) - zero) * scale + min;
                    out[first + j + 16] = ((packed >>> 4) - zero) * scale + min;
                }
            }
            case Q5_0, Q5_1 -> {
                boolean withMin = type == TensorType.Q5_1;
                float scale = half(data, at);
                float min = withMin ? half(data, at + 2) : 0;
                int zero = withMin ? 0 : 16;
                long highAt = at + (withMin ? 4 : 2);
                int high = data.get(U32, highAt);
                for (int j = 0; j < 16; j++) {
                    int packed = data.get(ValueLayout.JAVA_BYTE, highAt + 4 + j) & 0xFF;
                    int low = (packed & 0x0F) | (((high >>> j) & 1) << 4);
                    int up = (packed >>> 4) | (((high >>> (j + 16)) & 1) << 4);
                    out[first + j] = (low - zero) * scale + min;
                    out[first + j + 16] = (up - zero) * scale + min;
                }
            }
        }
    }

    private static float half(MemorySegment data, long at) {
        return Float.float16ToFloat(data.get(U16, at));
    }
}
