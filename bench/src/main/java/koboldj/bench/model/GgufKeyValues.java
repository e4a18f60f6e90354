package koboldj.bench.model;

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
 * strings can also be read and built.
 */
final class GgufKeyValues {
    static final int UINT32 = 4;
    static final int INT32 = 5;
    static final int FLOAT32 = 6;
    static final int STRING = 8;
    static final int ARRAY = 9;

    /** A value as GGUF stores it: its type, and its bytes after the type. */
    record Value(int type, byte[] encoded) {
    }

    private final Map<String, Value> values = new LinkedHashMap<>();

    static GgufKeyValues read(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer in = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size()).order(ByteOrder.LITTLE_ENDIAN);
            if (in.getInt() != 0x46554747 || in.getInt() != 3) {
                throw new IOException(file + " is not a GGUF version 3 file");
            }
            in.getLong(); // tensor count
            long count = in.getLong();
            GgufKeyValues metadata = new GgufKeyValues();
            for (long i = 0; i < count; i++) {
                String key = string(in);
                int type = in.getInt();
                int start = in.position();
                skipValue(in, type);
                byte[] encoded = new byte[in.position() - start];
                in.get(start, encoded);
                metadata.values.put(key, new Value(type, encoded));
            }
            return metadata;
        }
    }

    Map<String, Value> entries() {
        return values;
    }

    void putUint32(String key, long value) {
        values.put(key, new Value(UINT32, buffer(4).putInt((int) value).array()));
    }

    void putFloat32(String key, float value) {
        values.put(key, new Value(FLOAT32, buffer(4).putFloat(value).array()));
    }

    void putString(String key, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        values.put(key, new Value(STRING, buffer(8 + bytes.length).putLong(bytes.length).put(bytes).array()));
    }

    void putStrings(String key, List<String> strings) {
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

    void putFloats(String key, float[] numbers) {
        ByteBuffer out = buffer(12 + 4 * numbers.length).putInt(FLOAT32).putLong(numbers.length);
        for (float number : numbers) {
            out.putFloat(number);
        }
        values.put(key, new Value(ARRAY, out.array()));
    }

    void putInts(String key, int[] numbers) {
        ByteBuffer out = buffer(12 + 4 * numbers.length).putInt(INT32).putLong(numbers.length);
        for (int number : numbers) {
            out.putInt(number);
        }
        values.put(key, new Value(ARRAY, out.array()));
    }

    List<String> strings(String key) {
        ByteBuffer in = array(key, STRING);
        long count = in.getLong();
        List<String> strings = new ArrayList<>();
        for (long i = 0; i < count; i++) {
            strings.add(string(in));
        }
        return strings;
    }

    float[] floats(String key) {
        ByteBuffer in = array(key, FLOAT32);
        float[] numbers = new float[(int) in.getLong()];
        for (int i = 0; i < numbers.length; i++) {
            numbers[i] = in.getFloat();
        }
        return numbers;
    }

    int[] ints(String key) {
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

    static String string(ByteBuffer in) {
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
