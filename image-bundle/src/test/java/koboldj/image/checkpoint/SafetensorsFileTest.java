package koboldj.image.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SafetensorsFileTest {

    private static byte[] file(String header, byte[] data) {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + json.length + data.length).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(json.length).put(json).put(data).array();
    }

    private static byte[] floats(float... values) {
        ByteBuffer buffer = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float value : values) {
            buffer.putFloat(value);
        }
        return buffer.array();
    }

    @Test
    void readsFloatTypesInPlaceAndLeavesIntegerBuffersOut() {
        byte[] data = new byte[24 + 4 + 4 + 16];
        System.arraycopy(floats(1, 2, 3, 4, 5, 6), 0, data, 0, 24);
        ByteBuffer.wrap(data, 24, 8).order(ByteOrder.LITTLE_ENDIAN)
                .putShort(Float.floatToFloat16(1.5f)).putShort(Float.floatToFloat16(-2f))
                .putShort((short) (Float.floatToIntBits(0.25f) >>> 16)).putShort((short) (Float.floatToIntBits(-8f) >>> 16));
        String header = """
                {"__metadata__":{"format":"pt"},
                 "a":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},
                 "h":{"dtype":"F16","shape":[2],"data_offsets":[24,28]},
                 "b":{"dtype":"BF16","shape":[2],"data_offsets":[28,32]},
                 "position_ids":{"dtype":"I64","shape":[1,2],"data_offsets":[32,48]}}""";
        byte[] bytes = file(header, data);
        Map<String, StoredTensor> tensors = SafetensorsFile.parse(MemorySegment.ofArray(bytes));
        assertEquals(3, tensors.size());
        assertFalse(tensors.containsKey("position_ids"));
        assertArrayEquals(new long[] {2, 3}, tensors.get("a").shape());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, TensorValues.floats(tensors.get("a")));
        assertArrayEquals(new float[] {1.5f, -2f}, TensorValues.floats(tensors.get("h")));
        assertArrayEquals(new float[] {0.25f, -8f}, TensorValues.floats(tensors.get("b")));
    }

    @Test
    void everyTruncationIsRefusedWithASentence() {
        byte[] whole = file("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", floats(1, 2, 3, 4));
        for (int length = 0; length < whole.length; length++) {
            byte[] cut = Arrays.copyOf(whole, length);
            assertThrows(IllegalArgumentException.class, () -> SafetensorsFile.parse(MemorySegment.ofArray(cut)),
                    "cut at " + length);
        }
    }

    @Test
    void refusesAHeaderLengthBeyondTheFile() {
        byte[] bytes = file("{}", new byte[0]);
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40);
        assertMessage(bytes, "does not fit");
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(-5);
        assertMessage(bytes, "does not fit");
    }

    @Test
    void refusesMalformedHeaders() {
        assertMessage(file("{not json", new byte[0]), "not JSON");
        assertMessage(file("[1,2]", new byte[0]), "not a JSON object");
        assertMessage(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[4]}}", new byte[16]), "two data_offsets");
        assertMessage(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[-4],\"data_offsets\":[0,16]}}", new byte[16]), "not a count");
        assertMessage(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[-1,16]}}", new byte[16]), "byte position");
    }

    @Test
    void refusesOffsetsOutOfRangeOrNotMatchingTheShape() {
        assertMessage(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,20]}}", new byte[16]), "beyond");
        assertMessage(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[8,4]}}", new byte[16]), "beyond");
        assertMessage(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,16]}}", new byte[16]), "need 12");
        assertMessage(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904,4],\"data_offsets\":[0,16]}}",
                new byte[16]), "too large");
    }

    @Test
    void refusesAnUnknownDtype() {
        assertMessage(file("{\"a\":{\"dtype\":\"F12\",\"shape\":[4],\"data_offsets\":[0,16]}}", new byte[16]),
                "unknown dtype F12");
    }

    private static void assertMessage(byte[] bytes, String part) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SafetensorsFile.parse(MemorySegment.ofArray(bytes)));
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }
}
