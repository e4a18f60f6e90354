package koboldj.text.llama;

import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One GGUF metadata value that replaces the file's when a model loads (llama.cpp's kv_overrides,
 * KoboldCpp's {@code --overridekv KEY=TYPE:VALUE}). Checked when made, so native code only ever
 * gets keys and strings that fit its fixed-size arrays.
 */
public record KvOverride(String key, Type type, Object value) {
    /** Bytes of llama.cpp's key and string arrays, the terminating zero included. */
    static final int TEXT_BYTES = 128;

    /** {@code struct llama_model_kv_override} at b4916: enum tag, char key[128], then a union aligned to 8. */
    static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_INT.withName("tag"),
            MemoryLayout.sequenceLayout(TEXT_BYTES, JAVA_BYTE).withName("key"),
            MemoryLayout.paddingLayout(4),
            MemoryLayout.sequenceLayout(TEXT_BYTES, JAVA_BYTE).withName("value"));
    private static final long KEY = LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("key"));
    private static final long VALUE = LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("value"));

    /** {@code enum llama_model_kv_override_type}, in its order. */
    public enum Type {
        INT, FLOAT, BOOL, STR
    }

    public KvOverride {
        if (key == null || key.isEmpty() || key.getBytes(StandardCharsets.UTF_8).length >= TEXT_BYTES || key.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("a metadata key has 1 to " + (TEXT_BYTES - 1) + " bytes, not '" + key + "'");
        }
        boolean fits = switch (type) {
            case INT -> value instanceof Long;
            case FLOAT -> value instanceof Double number && Double.isFinite(number);
            case BOOL -> value instanceof Boolean;
            case STR -> value instanceof String text && text.getBytes(StandardCharsets.UTF_8).length < TEXT_BYTES
                    && text.indexOf('\0') < 0;
        };
        if (!fits) {
            throw new IllegalArgumentException("'" + value + "' is no " + type.name().toLowerCase(Locale.ROOT) + " value for "
                    + key + (type == Type.STR ? " (at most " + (TEXT_BYTES - 1) + " bytes)" : ""));
        }
    }

    /**
     * {@code KEY=TYPE:VALUE} with TYPE int, float, bool or str, as llama.cpp and KoboldCpp read it.
     *
     * @throws IllegalArgumentException with the reason when it is not one
     */
    public static KvOverride parse(String text) {
        int equals = text.indexOf('=');
        int colon = equals < 0 ? -1 : text.indexOf(':', equals);
        if (equals <= 0 || colon < 0) {
            throw new IllegalArgumentException("--overridekv takes KEY=TYPE:VALUE (TYPE int, float, bool or str), not '" + text + "'");
        }
        String key = text.substring(0, equals);
        String typeName = text.substring(equals + 1, colon);
        String value = text.substring(colon + 1);
        try {
            return switch (typeName) {
                case "int" -> new KvOverride(key, Type.INT, Long.parseLong(value.trim()));
                case "float" -> new KvOverride(key, Type.FLOAT, Double.parseDouble(value.trim()));
                case "bool" -> switch (value.trim()) {
                    case "true" -> new KvOverride(key, Type.BOOL, true);
                    case "false" -> new KvOverride(key, Type.BOOL, false);
                    default -> throw new IllegalArgumentException("a bool is true or false, not '" + value + "'");
                };
                case "str" -> new KvOverride(key, Type.STR, value);
                default -> throw new IllegalArgumentException("--overridekv's TYPE is int, float, bool or str, not '" + typeName + "'");
            };
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + value + "' is no " + typeName + " value for " + key);
        }
    }

    /** Writes this override into one zeroed array entry. */
    void writeTo(MemorySegment entry) {
        entry.set(JAVA_INT, 0, type.ordinal());
        byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        MemorySegment.copy(keyBytes, 0, entry, JAVA_BYTE, KEY, keyBytes.length);
        switch (type) {
            case INT -> entry.set(JAVA_LONG, VALUE, (Long) value);
            case FLOAT -> entry.set(JAVA_DOUBLE, VALUE, (Double) value);
            case BOOL -> entry.set(JAVA_BOOLEAN, VALUE, (Boolean) value);
            case STR -> {
                byte[] bytes = ((String) value).getBytes(StandardCharsets.UTF_8);
                MemorySegment.copy(bytes, 0, entry, JAVA_BYTE, VALUE, bytes.length);
            }
        }
    }
}
