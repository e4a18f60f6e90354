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

/** Writes a GGUF version 3 file: metadata, then F32 or F16 tensors with the values each one supplies. */
public final class GgufWriter {
    private static final int ALIGNMENT = 32;
    public static final int F32 = 0;
    public static final int F16 = 1;

    /**
     * One tensor. {@code dims} in ggml's order (innermost first); {@code values} gives its numbers
     * in storage order.
     */
    public record Tensor(String name, long[] dims, int type, DoubleSupplier values) {
        long elements() {
            long count = 1;
            for (long dim : dims) {
                count *= dim;
            }
            return count;
        }

        long bytes() {
            return elements() * (type == F32 ? 4 : 2);
        }
    }

    private GgufWriter() {
    }

    public static void write(Path file, GgufMetadata metadata, List<Tensor> tensors) throws IOException {
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ByteBuffer header = ByteBuffer.allocate(headerSize(metadata, tensors)).order(ByteOrder.LITTLE_ENDIAN);
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
            header.position(header.capacity()).flip();
            while (header.hasRemaining()) {
                out.write(header);
            }
            for (Tensor tensor : tensors) {
                writeData(out, tensor);
            }
        }
    }

    private static void writeData(FileChannel out, Tensor tensor) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        for (long i = 0; i < tensor.elements(); i++) {
            float value = (float) tensor.values().getAsDouble();
            if (tensor.type() == F32) {
                chunk.putFloat(value);
            } else {
                chunk.putShort(Float.floatToFloat16(value));
            }
            if (!chunk.hasRemaining()) {
                drain(out, chunk);
            }
        }
        int padding = (int) (aligned(tensor.bytes()) - tensor.bytes());
        chunk.put(new byte[padding]);
        drain(out, chunk);
    }

    private static void drain(FileChannel out, ByteBuffer chunk) throws IOException {
        chunk.flip();
        while (chunk.hasRemaining()) {
            out.write(chunk);
        }
        chunk.clear();
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
