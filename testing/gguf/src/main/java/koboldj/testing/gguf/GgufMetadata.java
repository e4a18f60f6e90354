package koboldj.testing.gguf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The metadata of a GGUF file (version 3), key by key, each value kept as the file encodes it
 * (type and bytes) so it can be written into another file unchanged; string arrays, numbers and
 * strings can also be read and built. A file read also tells its tensors' dimensions.
 */
public final class GgufMetadata {
    static final int UINT32 = 4;
    static final int INT32 = 5;
    static final int FLOAT32 = 6;
    static final int STRING = 8;
    static final int ARRAY = 9;

    /** A value as GGUF stores it: its type, and its bytes after the type. */
    public record Value(int type, byte[] encoded) {
    }

    private final Map<String, Value> values = new LinkedHashMap<>();
    private final Map<String, long[]> tensorDimensions = new LinkedHashMap<>();

    public static GgufMetadata read(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer in = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size()).order(ByteOrder.LITTLE_ENDIAN);
            if (in.getInt() != 0x46554747 || in.getInt() != 3) {
                throw new IOException(file + " is not a GGUF version 3 file");
            }
            long tensors = in.getLong();
            long count = in.getLong();
            GgufMetadata metadata = new GgufMetadata();
            for (long i = 0; i < count; i++) {
                String key = string(in);
                int type = in.getInt();
                int start = in.position();
                skipValue(in, type);
                byte[] encoded = new byte[in.position() - start];
                in.get(start, encoded);
                metadata.values.put(key, new Value(type, encoded));
            }
            for (long i = 0; i < tensors; i++) {
                String name = string(in);
                long[] dimensions = new long[in.getInt()];
                for (int d = 0; d < dimensions.length; d++) {
                    dimensions[d] = in.getLong();
                }
                in.getInt(); // type
                in.getLong(); // offset
                metadata.tensorDimensions.put(name, dimensions);
            }
            return metadata;
        }
    }

    /** Every key with its value, in file order; changes write through. */
    public Map<String, Value> entries() {
        return values;
    }

    /** A tensor's dimensions in ggml's order (innermost first), of a file that was read. */
    public long[] tensorDimensions(String name) {
        long[] dimensions = tensorDimensions.get(name);
        if (dimensions == null) {
            throw new IllegalArgumentException("no tensor " + name);
        }
        return dimensions.clone();
    }

    /** A string value. */
    public String string(String key) {
        Value value = values.get(key);
        if (value == null || value.type() != STRING) {
            throw new IllegalArgumentException("no string " + key);
        }
        return string(ByteBuffer.wrap(value.encoded()).order(ByteOrder.LITTLE_ENDIAN));
    }

    public void putUint32(String key, long value) {
        values.put(key, new Value(UINT32, buffer(4).putInt((int) value).array()));
    }

    public void putFloat32(String key, float value) {
        values.put(key, new Value(FLOAT32, buffer(4).putFloat(value).array()));
    }

    public void putString(String key, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        values.put(key, new Value(STRING, buffer(8 + bytes.length).putLong(bytes.length).put(bytes).array()));
    }

    public void putStrings(String key, List<String> strings) {
        int size = 12;
        for (String s : strings) {
            size += 8 + s.getBytes(StandardCharsets.UTF_8).length;
        }
        ByteBuffer out = buffer(size).putInt(STRING).putLong(strings.size());
        for (String s : strings) {
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            out.putLong(bytes.length).put(bytes);
        }
        values.put(key, new Value(ARRAY, out.array()));
    }

    public void putFloats(String key, float[] numbers) {
        ByteBuffer out = buffer(12 + 4 * numbers.length).putInt(FLOAT32).putLong(numbers.length);
        for (float number : numbers) {
            out.putFloat(number);
        }
        values.put(key, new Value(ARRAY, out.array()));
    }

    public void putInts(String key, int[] numbers) {
        ByteBuffer out = buffer(12 + 4 * numbers.length).putInt(INT32).putLong(numbers.length);
        for (int number : numbers) {
            out.putInt(number);
        }
        values.put(key, new Value(ARRAY, out.array()));
    }

    public List<String> strings(String key) {
        ByteBuffer in = array(key, STRING);
        long count = in.getLong();
        List<String> strings = new ArrayList<>();
        for (long i = 0; i < count; i++) {
            strings.add(string(in));
        }
        return strings;
    }

    public float[] floats(String key) {
        ByteBuffer in = array(key, FLOAT32);
        float[] numbers = new float[(int) in.getLong()];
        for (int i = 0; i < numbers.length; i++) {
            numbers[i] = in.getFloat();
        }
        return numbers;
    }

    public int[] ints(String key) {
        ByteBuffer in = array(key, INT32);
        int[] numbers = new int[(int) in.getLong()];
        for (int i = 0; i < numbers.length; i++) {
            numbers[i] = in.getInt();
        }
        return numbers;
    }

    private ByteBuffer array(String key, int elementType) {
        Value value = values.get(key);
        if (value == null || value.type() != ARRAY) {
            throw new IllegalArgumentException("no array " + key);
        }
        ByteBuffer in = ByteBuffer.wrap(value.encoded()).order(ByteOrder.LITTLE_ENDIAN);
        if (in.getInt() != elementType) {
            throw new IllegalArgumentException(key + " is not an array of type " + elementType);
        }
        return in;
    }

    private static ByteBuffer buffer(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static String string(ByteBuffer in) {
        byte[] bytes = new byte[(int) in.getLong()];
        in.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static void skipValue(ByteBuffer in, int type) {
        switch (type) {
            case STRING -> {
                int length = (int) in.getLong();
                in.position(in.position() + length);
            }
            case ARRAY -> {
                int elementType = in.getInt();
                long count = in.getLong();
                for (long i = 0; i < count; i++) {
                    skipValue(in, elementType);
                }
            }
            default -> in.position(in.position() + scalarSize(type));
        }
    }

    private static int scalarSize(int type) {
        return switch (type) {
            case 0, 1, 7 -> 1; // u8, i8, bool
            case 2, 3 -> 2;
            case 4, 5, 6 -> 4;
            case 10, 11, 12 -> 8;
            default -> throw new IllegalArgumentException("unknown GGUF value type " + type);
        };
    }
}
