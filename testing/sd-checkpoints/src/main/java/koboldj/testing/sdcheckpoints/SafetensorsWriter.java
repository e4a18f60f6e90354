package koboldj.testing.sdcheckpoints;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Writes a layout as a single-file {@code .safetensors} checkpoint, one tensor at a time (SD 1.5 sizes fit in little memory). */
final class SafetensorsWriter {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SafetensorsWriter() {
    }

    static void write(Path file, List<TensorSpec> tensors, StorageType type, long seed) throws IOException {
        if (type.quantised()) {
            throw new IllegalArgumentException("safetensors stores F32, F16 or BF16, not " + type);
        }
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("__metadata__", Map.of("format", "pt"));
        long offset = 0;
        for (TensorSpec tensor : tensors) {
            long bytes = tensor.integer() ? 8 * tensor.elements() : type.bytes(tensor.elements());
            header.put(tensor.name(), Map.of("dtype", tensor.integer() ? "I64" : type.name(), "shape", tensor.shape(),
                    "data_offsets", new long[] {offset, offset + bytes}));
            offset += bytes;
        }
        ByteBuffer start = headerBytes(header);
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ChannelOutput.writeFully(out, start);
            for (TensorSpec tensor : tensors) {
                float[] values = SeededWeights.values(seed, tensor);
                ChannelOutput.writeFully(out, tensor.integer() ? int64(values) : Encodings.encode(values, type));
            }
        }
    }

    /** A file of the given tensors and numbers (a LoRA's), all stored as {@code type}. */
    static void write(Path file, List<LoraLayout.Entry> tensors, StorageType type) throws IOException {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("__metadata__", Map.of("ss_network_module", "networks.lora", "ss_output_name", "koboldj-test"));
        long offset = 0;
        for (LoraLayout.Entry tensor : tensors) {
            long bytes = type.bytes(tensor.values().length);
            header.put(tensor.name(), Map.of("dtype", type.name(), "shape", tensor.shape(),
                    "data_offsets", new long[] {offset, offset + bytes}));
            offset += bytes;
        }
        ByteBuffer start = headerBytes(header);
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ChannelOutput.writeFully(out, start);
            for (LoraLayout.Entry tensor : tensors) {
                ChannelOutput.writeFully(out, Encodings.encode(tensor.values(), type));
            }
        }
    }

    private static ByteBuffer int64(float[] values) {
        ByteBuffer out = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float value : values) {
            out.putLong((long) value);
        }
        return out.flip();
    }

    /** The header's length and JSON, padded with spaces as the format does so that the data starts 8-aligned. */
    private static ByteBuffer headerBytes(Map<String, Object> header) throws IOException {
        byte[] json = JSON.writeValueAsBytes(header);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer start = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        start.putLong(padded).put(json);
        while (start.hasRemaining()) {
            start.put((byte) ' ');
        }
        return start.flip();
    }
}
