package koboldj.image.lora;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

/** Writes small float32 safetensors files (LoRAs) for the tests: name → shape and numbers. */
final class LoraFiles {
    private static final ObjectMapper JSON = new ObjectMapper();

    record Numbers(long[] shape, float[] values) {
    }

    private LoraFiles() {
    }

    static Path write(Path file, Map<String, Numbers> tensors) throws IOException {
        Map<String, Object> header = new LinkedHashMap<>();
        long offset = 0;
        for (Map.Entry<String, Numbers> entry : tensors.entrySet()) {
            long bytes = 4L * entry.getValue().values().length;
            header.put(entry.getKey(), Map.of("dtype", "F32", "shape", entry.getValue().shape(),
                    "data_offsets", new long[] {offset, offset + bytes}));
            offset += bytes;
        }
        byte[] json = JSON.writeValueAsBytes(header);
        ByteBuffer out = ByteBuffer.allocate((int) (8 + json.length + offset)).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(json.length).put(json);
        tensors.values().forEach(numbers -> {
            for (float value : numbers.values()) {
                out.putFloat(value);
            }
        });
        return Files.write(file, out.array());
    }
}
