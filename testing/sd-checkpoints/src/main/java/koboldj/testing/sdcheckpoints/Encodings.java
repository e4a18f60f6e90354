package koboldj.testing.sdcheckpoints;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Stores floats as a checkpoint type: IEEE halves and bfloat16 rounded to nearest-even as torch rounds, and ggml's
 * reference quantisation of each 32-number block (q8_0, q4_0, q4_1, q5_0, q5_1).
 */
public final class Encodings {

    private Encodings() {
    }

    /** The bytes of {@code values} stored as {@code type}, little-endian; quantised types need whole blocks. */
    public static ByteBuffer encode(float[] values, StorageType type) {
        if (values.length % type.blockElements != 0) {
            throw new IllegalArgumentException(values.length + " numbers are no whole number of " + type + " blocks");
        }
        ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(type.bytes(values.length))).order(ByteOrder.LITTLE_ENDIAN);
        switch (type) {
            case F32 -> {
                for (float value : values) {
                    out.putFloat(value);
                }
            }
            case F16 -> {
                for (float value : values) {
                    out.putShort(Float.floatToFloat16(value));
                }
            }
            case BF16 -> {
                for (float value : values) {
                    out.putShort(bfloat16(value));
                }
            }
            default -> {
                for (int first = 0; first < values.length; first += 32) {
                    quantiseBlock(type, values, first, out);
                }
            }
        }
        return out.flip();
    }

    static short bfloat16(float value) {
        int bits = Float.floatToRawIntBits(value);
        if (Float.isNaN(value)) {
            return (short) 0x7FC0;
        }
        return (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16);
    }

    private static void quantiseBlock(StorageType type, float[] x, int first, ByteBuffer out) {
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        float absMax = 0;
        float signedMax = 0;
        for (int j = first; j < first + 32; j++) {
            min = Math.min(min, x[j]);
            max = Math.max(max, x[j]);
            if (Math.abs(x[j]) > absMax) {
                absMax = Math.abs(x[j]);
                signedMax = x[j];
            }
        }
        switch (type) {
            case Q8_0 -> {
                float d = absMax / 127;
                float id = d != 0 ? 1 / d : 0;
                out.putShort(Float.floatToFloat16(d));
                for (int j = first; j < first + 32; j++) {
                    out.put((byte) roundHalfAway(x[j] * id));
                }
            }
            case Q4_0 -> {
                float d = signedMax / -8;
                float id = d != 0 ? 1 / d : 0;
                out.putShort(Float.floatToFloat16(d));
                for (int j = 0; j < 16; j++) {
                    int low = Math.min(15, (int) (x[first + j] * id + 8.5f));
                    int high = Math.min(15, (int) (x[first + j + 16] * id + 8.5f));
                    out.put((byte) (low | high << 4));
                }
            }
            case Q4_1 -> {
                float d = (max - min) / 15;
                float id = d != 0 ? 1 / d : 0;
                out.putShort(Float.floatToFloat16(d));
                out.putShort(Float.floatToFloat16(min));
                for (int j = 0; j < 16; j++) {
                    int low = Math.min(15, (int) ((x[first + j] - min) * id + 0.5f));
                    int high = Math.min(15, (int) ((x[first + j + 16] - min) * id + 0.5f));
                    out.put((byte) (low | high << 4));
                }
            }
            case Q5_0, Q5_1 -> {
                boolean withMin = type == StorageType.Q5_1;
                float d = withMin ? (max - min) / 31 : signedMax / -16;
                float id = d != 0 ? 1 / d : 0;
                float offset = withMin ? 0.5f : 16.5f;
                float origin = withMin ? min : 0;
                out.putShort(Float.floatToFloat16(d));
                if (withMin) {
                    out.putShort(Float.floatToFloat16(min));
                }
                int highBits = 0;
                byte[] packed = new byte[16];
                for (int j = 0; j < 16; j++) {
                    int low = Math.min(31, (int) ((x[first + j] - origin) * id + offset));
                    int high = Math.min(31, (int) ((x[first + j + 16] - origin) * id + offset));
                    packed[j] = (byte) ((low & 0x0F) | (high & 0x0F) << 4);
                    highBits |= ((low & 0x10) >>> 4) << j;
                    highBits |= ((high & 0x10) >>> 4) << (j + 16);
                }
                out.putInt(highBits);
                out.put(packed);
            }
            default -> throw new IllegalArgumentException(type + " is not quantised");
        }
    }

    /** C's {@code roundf}: halves away from zero, unlike {@link Math#round}. */
    private static int roundHalfAway(float value) {
        return (int) Math.copySign(Math.floor(Math.abs(value) + 0.5f), value);
    }
}
