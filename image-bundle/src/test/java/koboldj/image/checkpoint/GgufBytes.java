package koboldj.image.checkpoint;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Builds GGUF bytes field by field, so tests can write valid files and break them in one place. */
final class GgufBytes {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    GgufBytes raw(byte... bytes) {
        out.writeBytes(bytes);
        return this;
    }

    GgufBytes u8(int value) {
        out.write(value);
        return this;
    }

    GgufBytes u16(int value) {
        return raw(ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort((short) value).array());
    }

    GgufBytes u32(long value) {
        return raw(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) value).array());
    }

    GgufBytes u64(long value) {
        return raw(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array());
    }

    GgufBytes f32(float value) {
        return raw(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(value).array());
    }

    GgufBytes string(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return u64(bytes.length).raw(bytes);
    }

    GgufBytes header(long tensors, long metadata) {
        return raw((byte) 'G', (byte) 'G', (byte) 'U', (byte) 'F').u32(3).u64(tensors).u64(metadata);
    }

    GgufBytes tensorInfo(String name, int ggmlType, long offset, long... ne) {
        string(name).u32(ne.length);
        for (long extent : ne) {
            u64(extent);
        }
        return u32(ggmlType).u64(offset);
    }

    GgufBytes padTo(int alignment) {
        while (out.size() % alignment != 0) {
            out.write(0);
        }
        return this;
    }

    byte[] bytes() {
        return out.toByteArray();
    }
}
