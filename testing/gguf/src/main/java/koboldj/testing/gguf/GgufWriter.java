package koboldj.testing.gguf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

/** Writes a GGUF version 3 file: metadata, then each tensor's data, aligned to 32 bytes. */
public final class GgufWriter {
    private static final int ALIGNMENT = 32;
    public static final int F32 = 0;
    public static final int F16 = 1;

    /**
     * One tensor: {@code dims} in ggml's order (innermost first), {@code type} ggml's type number,
     * and its data, {@code bytes} long, made when the file reaches it.
     */
    public record Tensor(String name, long[] dims, int type, long bytes, Supplier<ByteBuffer> data) {

        /** F32 numbers in storage order. */
        public static Tensor f32(String name, long[] dims, DoubleSupplier values) {
            long count = elements(dims);
            return new Tensor(name, dims, F32, 4 * count, () -> {
                ByteBuffer out = buffer(4 * count);
                for (long i = 0; i < count; i++) {
                    out.putFloat((float) values.getAsDouble());
                }
                return out.flip();
            });
        }

        /** F16 numbers in storage order. */
        public static Tensor f16(String name, long[] dims, DoubleSupplier values) {
            long count = elements(dims);
            return new Tensor(name, dims, F16, 2 * count, () -> {
                ByteBuffer out = buffer(2 * count);
                for (long i = 0; i < count; i++) {
                    out.putShort(Float.floatToFloat16((float) values.getAsDouble()));
                }
                return out.flip();
            });
        }
    }

    private GgufWriter() {
    }

    public static void write(Path file, GgufMetadata metadata, List<Tensor> tensors) throws IOException {
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ByteBuffer header = buffer(headerSize(metadata, tensors));
            header.putInt(0x46554747).putInt(3).putLong(tensors.size()).putLong(metadata.entries().size());
            metadata.entries().forEach((key, value) -> {
                putString(header, key);
                header.putInt(value.type()).put(value.encoded());
            });
            long offset = 0;
            for (Tensor tensor : tensors) {
                putString(header, tensor.name());
                header.putInt(tensor.dims().length);
                for (long dim : tensor.dims()) {
                    header.putLong(dim);
                }
                header.putInt(tensor.type()).putLong(offset);
                offset = aligned(offset + tensor.bytes());
            }
            writeFully(out, header.position(header.capacity()).flip());
            for (Tensor tensor : tensors) {
                ByteBuffer data = tensor.data().get();
                if (data.remaining() != tensor.bytes()) {
                    throw new IllegalStateException(tensor.name() + " has " + data.remaining() + " bytes, not " + tensor.bytes());
                }
                writeFully(out, data);
                writeFully(out, ByteBuffer.allocate((int) (aligned(tensor.bytes()) - tensor.bytes())));
            }
        }
    }

    /** A file channel may write less than asked in one call. */
    private static void writeFully(FileChannel out, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            out.write(buffer);
        }
    }

    private static long elements(long[] dims) {
        long count = 1;
        for (long dim : dims) {
            count *= dim;
        }
        return count;
    }

    private static ByteBuffer buffer(long size) {
        return ByteBuffer.allocate(Math.toIntExact(size)).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static int headerSize(GgufMetadata metadata, List<Tensor> tensors) {
        long size = 24;
        for (var entry : metadata.entries().entrySet()) {
            size += 8 + utf8(entry.getKey()).length + 4 + entry.getValue().encoded().length;
        }
        for (Tensor tensor : tensors) {
            size += 8 + utf8(tensor.name()).length + 4 + 8L * tensor.dims().length + 4 + 8;
        }
        return Math.toIntExact(aligned(size));
    }

    private static void putString(ByteBuffer out, String s) {
        byte[] bytes = utf8(s);
        out.putLong(bytes.length).put(bytes);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static long aligned(long offset) {
        return (offset + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    }
}
