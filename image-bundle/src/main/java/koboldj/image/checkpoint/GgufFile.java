package koboldj.image.checkpoint;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a {@code .gguf} file (versions 2 and 3): magic, counts, metadata key/values (skipped, except
 * {@code general.alignment}), tensor infos, then the aligned data section. ggml lists dimensions innermost first; they
 * are reversed here to the outermost-first order of {@link StoredTensor#shape}. Every count, length and offset is
 * checked against the file, because these views are handed to native code.
 */
public final class GgufFile {

    private static final int MAGIC = 0x46554747; // "GGUF" read little-endian
    private static final int MAX_DIMS = 4;
    private static final int MAX_NESTING = 4;
    private static final int DEFAULT_ALIGNMENT = 32;

    private final MemorySegment file;
    private long position;
    private long alignment = DEFAULT_ALIGNMENT;
    private final Map<String, String> metadata = new LinkedHashMap<>();

    private GgufFile(MemorySegment file) {
        this.file = file;
    }

    /**
     * What a GGUF file holds.
     *
     * @param mapping  the whole mapped file
     * @param tensors  its tensors by name, views of {@code mapping}
     * @param metadata its string-valued metadata (other values are skipped)
     */
    public record Contents(MemorySegment mapping, Map<String, StoredTensor> tensors, Map<String, String> metadata) {
    }

    /** The file's tensors, as views of its mapping in {@code arena}. */
    public static Contents read(Path path, Arena arena) {
        MemorySegment file = MappedFile.map(path, arena);
        try {
            return parse(file);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(path.getFileName() + " is not a usable GGUF file: " + e.getMessage(), e);
        }
    }

    static Contents parse(MemorySegment file) {
        GgufFile reader = new GgufFile(file);
        Map<String, StoredTensor> tensors = reader.parse();
        return new Contents(file, tensors, Map.copyOf(reader.metadata));
    }

    private Map<String, StoredTensor> parse() {
        if (file.byteSize() < 24 || u32() != MAGIC) {
            throw new IllegalArgumentException("it does not start with the GGUF magic and counts");
        }
        long version = u32();
        if (version != 2 && version != 3) {
            throw new IllegalArgumentException("its GGUF version " + version + " is not 2 or 3");
        }
        long tensorCount = count("tensor count", u64(), 8 + 4 + 4 + 8);
        long metadataCount = count("metadata count", u64(), 8 + 4 + 1);
        for (long i = 0; i < metadataCount; i++) {
            String key = string();
            long type = u32();
            if (key.equals("general.alignment")) {
                if (type != 4) {
                    throw new IllegalArgumentException("general.alignment is not a uint32");
                }
                alignment = u32();
                if (alignment == 0 || Long.bitCount(alignment) != 1) {
                    throw new IllegalArgumentException("general.alignment " + alignment + " is not a power of two");
                }
            } else if (type == 8) {
                metadata.put(key, string());
            } else {
                skipValue(key, type, 0);
            }
        }
        record Info(String name, TensorType type, long[] shape, long offset) {
        }
        if (tensorCount > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("it lists " + tensorCount + " tensors, more than can be read");
        }
        Info[] infos = new Info[(int) tensorCount];
        for (int i = 0; i < tensorCount; i++) {
            String name = string();
            long dims = u32();
            if (dims < 1 || dims > MAX_DIMS) {
                throw new IllegalArgumentException("tensor " + name + " has " + dims + " dimensions, not 1 to " + MAX_DIMS);
            }
            long[] shape = new long[(int) dims];
            for (int d = 0; d < dims; d++) {
                long extent = u64();
                if (extent < 0) {
                    throw new IllegalArgumentException("tensor " + name + " has a dimension of " + Long.toUnsignedString(extent));
                }
                shape[shape.length - 1 - d] = extent;
            }
            long ggmlType = u32();
            TensorType type = TensorType.ofGgml(ggmlType);
            if (type == null) {
                throw new IllegalArgumentException("tensor " + name + " has the unsupported ggml type " + ggmlType);
            }
            long offset = u64();
            if (offset < 0 || offset % alignment != 0) {
                throw new IllegalArgumentException("tensor " + name + " starts at " + Long.toUnsignedString(offset)
                        + ", not a multiple of the alignment " + alignment);
            }
            infos[i] = new Info(name, type, shape, offset);
        }
        long dataStart = (position + alignment - 1) / alignment * alignment;
        long dataSize = file.byteSize() - Math.min(dataStart, file.byteSize());
        Map<String, StoredTensor> tensors = new LinkedHashMap<>();
        for (Info info : infos) {
            long bytes;
            try {
                bytes = info.type.byteSize(info.shape);
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("tensor " + info.name + " is too large to address");
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("tensor " + info.name + ": " + e.getMessage());
            }
            if (info.offset > dataSize || bytes > dataSize - info.offset) {
                throw new IllegalArgumentException("tensor " + info.name + " spans bytes " + info.offset + ".."
                        + (info.offset + bytes) + " beyond the " + dataSize + " bytes of data");
            }
            if (tensors.put(info.name, new StoredTensor(info.name, info.type, info.shape,
                    file.asSlice(dataStart + info.offset, bytes))) != null) {
                throw new IllegalArgumentException("tensor " + info.name + " is listed twice");
            }
        }
        return tensors;
    }

    private void skipValue(String key, long type, int nesting) {
        switch ((int) type) {
            case 0, 1, 7 -> skip(1);
            case 2, 3 -> skip(2);
            case 4, 5, 6 -> skip(4);
            case 10, 11, 12 -> skip(8);
            case 8 -> skip(length("string of " + key));
            case 9 -> {
                if (nesting >= MAX_NESTING) {
                    throw new IllegalArgumentException("metadata " + key + " nests arrays too deep");
                }
                long elementType = u32();
                long count = count("array " + key, u64(), 1);
                for (long i = 0; i < count; i++) {
                    skipValue(key, elementType, nesting + 1);
                }
            }
            default -> throw new IllegalArgumentException("metadata " + key + " has the unknown value type " + type);
        }
    }

    private String string() {
        long length = length("name");
        String text = new String(file.asSlice(position, length).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
        position += length;
        return text;
    }

    private long length(String what) {
        long length = u64();
        if (length < 0 || length > file.byteSize() - position) {
            throw new IllegalArgumentException("a " + what + " of " + Long.toUnsignedString(length)
                    + " bytes runs past the end of the file");
        }
        return length;
    }

    /** A count read from the file, refused if its entries (each at least {@code minimumBytes}) cannot fit in it. */
    private long count(String what, long count, long minimumBytes) {
        if (count < 0 || count > (file.byteSize() - position) / minimumBytes) {
            throw new IllegalArgumentException("its " + what + " " + Long.toUnsignedString(count) + " cannot fit in the file");
        }
        return count;
    }

    private void skip(long bytes) {
        need(bytes);
        position += bytes;
    }

    private long u32() {
        need(4);
        long value = Integer.toUnsignedLong(file.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), position));
        position += 4;
        return value;
    }

    /** A uint64; values above {@code Long.MAX_VALUE} come back negative and every caller refuses them. */
    private long u64() {
        need(8);
        long value = file.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), position);
        position += 8;
        return value;
    }

    private void need(long bytes) {
        if (bytes > file.byteSize() - position) {
            throw new IllegalArgumentException("it ends in the middle of its header (at byte " + position + ")");
        }
    }
}
