package koboldj.image.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Reads a {@code .safetensors} file: an 8-byte little-endian header length, a JSON header naming each tensor's dtype,
 * shape and byte range, then the bytes. Every number in the header is checked against the file before a view is made,
 * because these views are handed to native code.
 */
public final class SafetensorsFile {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_HEADER = 100L << 20;
    /** Valid safetensors dtypes that no network reads (e.g. CLIP's int64 {@code position_ids}): left out, not refused. */
    private static final Map<String, Integer> SKIPPED_DTYPES = Map.ofEntries(
            Map.entry("BOOL", 1), Map.entry("U8", 1), Map.entry("I8", 1), Map.entry("F8_E4M3", 1),
            Map.entry("F8_E5M2", 1), Map.entry("I16", 2), Map.entry("U16", 2), Map.entry("I32", 4),
            Map.entry("U32", 4), Map.entry("I64", 8), Map.entry("U64", 8), Map.entry("F64", 8));
    private static final Set<String> READ_DTYPES = Set.of("F32", "F16", "BF16");

    private SafetensorsFile() {
    }

    /** The file's float tensors by name, as views of its mapping in {@code arena}. */
    public static Map<String, StoredTensor> read(Path path, Arena arena) {
        MemorySegment file = MappedFile.map(path, arena);
        try {
            return parse(file);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(path.getFileName() + " is not a usable safetensors file: " + e.getMessage(), e);
        }
    }

    /**
     * The string values of the file's {@code __metadata__} (what kohya's trainer records of a LoRA, for instance), read
     * without mapping the tensors; empty if it has none.
     */
    public static Map<String, String> metadata(Path path) {
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(path)) {
            java.nio.ByteBuffer length = java.nio.ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            if (channel.read(length, 0) != 8) {
                throw new IllegalArgumentException(path.getFileName() + " is not a safetensors file");
            }
            long headerLength = length.getLong(0);
            if (headerLength < 2 || headerLength > MAX_HEADER || headerLength > channel.size() - 8) {
                throw new IllegalArgumentException(path.getFileName() + " is not a safetensors file");
            }
            java.nio.ByteBuffer header = java.nio.ByteBuffer.allocate((int) headerLength);
            while (header.hasRemaining() && channel.read(header, 8 + header.position()) > 0) {
                // reads the whole header
            }
            JsonNode metadata = JSON.readTree(header.array()).path("__metadata__");
            Map<String, String> values = new LinkedHashMap<>();
            metadata.properties().forEach(entry -> {
                if (entry.getValue().isTextual()) {
                    values.put(entry.getKey(), entry.getValue().asText());
                }
            });
            return values;
        } catch (IOException e) {
            throw new IllegalArgumentException(path.getFileName() + " has no readable safetensors header: "
                    + e.getMessage().lines().findFirst().orElse(""), e);
        }
    }

    static Map<String, StoredTensor> parse(MemorySegment file) {
        long size = file.byteSize();
        if (size < 8) {
            throw new IllegalArgumentException("it has " + size + " bytes, fewer than the 8 of a header length");
        }
        long headerLength = file.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
        if (headerLength < 2 || headerLength > size - 8 || headerLength > MAX_HEADER) {
            throw new IllegalArgumentException("its header length " + Long.toUnsignedString(headerLength)
                    + " does not fit in the file's " + size + " bytes");
        }
        JsonNode header;
        try {
            header = JSON.readTree(file.asSlice(8, headerLength).toArray(ValueLayout.JAVA_BYTE));
        } catch (IOException e) {
            throw new IllegalArgumentException("its header is not JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
        if (header == null || !header.isObject()) {
            throw new IllegalArgumentException("its header is not a JSON object");
        }
        MemorySegment data = file.asSlice(8 + headerLength);
        Map<String, StoredTensor> tensors = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (!entry.getKey().equals("__metadata__")) {
                StoredTensor tensor = tensor(entry.getKey(), entry.getValue(), data);
                if (tensor != null) {
                    tensors.put(tensor.name(), tensor);
                }
            }
        }
        return tensors;
    }

    private static StoredTensor tensor(String name, JsonNode info, MemorySegment data) {
        JsonNode dtype = info.get("dtype");
        JsonNode shapeNode = info.get("shape");
        JsonNode offsets = info.get("data_offsets");
        if (dtype == null || !dtype.isTextual() || shapeNode == null || !shapeNode.isArray() || offsets == null
                || !offsets.isArray() || offsets.size() != 2) {
            throw new IllegalArgumentException("tensor " + name + " lacks a dtype, shape or two data_offsets");
        }
        long[] shape = new long[shapeNode.size()];
        long elements = 1;
        for (int i = 0; i < shape.length; i++) {
            JsonNode dimension = shapeNode.get(i);
            if (!dimension.canConvertToLong() || !dimension.isIntegralNumber() || dimension.asLong() < 0) {
                throw new IllegalArgumentException("tensor " + name + " has a shape entry that is not a count: " + dimension);
            }
            shape[i] = dimension.asLong();
            elements = multiply(name, elements, shape[i]);
        }
        long begin = offset(name, offsets.get(0));
        long end = offset(name, offsets.get(1));
        if (begin > end || end > data.byteSize()) {
            throw new IllegalArgumentException("tensor " + name + " spans bytes " + begin + ".." + end
                    + " beyond the " + data.byteSize() + " bytes of data");
        }
        String dtypeName = dtype.asText();
        Integer skippedWidth = SKIPPED_DTYPES.get(dtypeName);
        if (!READ_DTYPES.contains(dtypeName) && skippedWidth == null) {
            throw new IllegalArgumentException("tensor " + name + " has the unknown dtype " + dtypeName);
        }
        TensorType type = skippedWidth == null ? TensorType.valueOf(dtypeName) : null;
        long expected = multiply(name, elements, type == null ? skippedWidth : type.blockBytes);
        if (end - begin != expected) {
            throw new IllegalArgumentException("tensor " + name + " has " + (end - begin) + " bytes where its dtype "
                    + dtypeName + " and shape need " + expected);
        }
        return type == null ? null : new StoredTensor(name, type, shape, data.asSlice(begin, end - begin));
    }

    private static long offset(String name, JsonNode node) {
        if (!node.isIntegralNumber() || !node.canConvertToLong() || node.asLong() < 0) {
            throw new IllegalArgumentException("tensor " + name + " has a data offset that is not a byte position: " + node);
        }
        return node.asLong();
    }

    private static long multiply(String name, long a, long b) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("tensor " + name + " is too large to address");
        }
    }
}
