package koboldj.image.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GgufFileTest {

    @TempDir
    Path dir;

    /** Two tensors after metadata of every value type, including nested and string arrays and an alignment of 64. */
    private static byte[] valid() {
        GgufBytes file = new GgufBytes().header(2, 15)
                .string("general.architecture").u32(8).string("sd")
                .string("k.u8").u32(0).u8(1).string("k.i8").u32(1).u8(2)
                .string("k.u16").u32(2).u16(3).string("k.i16").u32(3).u16(4)
                .string("k.u32").u32(4).u32(5).string("k.i32").u32(5).u32(6)
                .string("k.f32").u32(6).f32(0.5f).string("k.bool").u32(7).u8(1)
                .string("k.u64").u32(10).u64(7).string("k.i64").u32(11).u64(8).string("k.f64").u32(12).u64(9)
                .string("k.nested").u32(9).u32(9).u64(2).u32(0).u64(1).u8(1).u32(11).u64(2).u64(1).u64(2)
                .string("k.strings").u32(9).u32(8).u64(2).string("a").string("bc")
                .string("general.alignment").u32(4).u32(64)
                .tensorInfo("w", 0, 0, 3, 2)
                .tensorInfo("q", 8, 64, 32);
        file.padTo(64);
        for (int i = 0; i < 6; i++) {
            file.f32(i);
        }
        file.padTo(64);
        file.u16(Float.floatToFloat16(0.5f));
        for (int i = 0; i < 32; i++) {
            file.u8(i - 16);
        }
        return file.bytes();
    }

    @Test
    void readsTensorsAfterEveryKindOfMetadataWithDimensionsOutermostFirst() {
        GgufFile.Contents contents = GgufFile.parse(MemorySegment.ofArray(valid()));
        Map<String, StoredTensor> tensors = contents.tensors();
        assertEquals("sd", contents.metadata().get("general.architecture"));
        StoredTensor w = tensors.get("w");
        assertArrayEquals(new long[] {2, 3}, w.shape());
        assertEquals(TensorType.F32, w.type());
        assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5}, TensorValues.floats(w));
        StoredTensor q = tensors.get("q");
        assertEquals(TensorType.Q8_0, q.type());
        float[] values = TensorValues.floats(q);
        assertEquals(-8f, values[0]);
        assertEquals(7.5f, values[31]);
    }

    @Test
    void readsAMappedFileAndUnmapsItWithTheArena() throws Exception {
        Path file = Files.write(dir.resolve("ok.gguf"), valid());
        Arena arena = Arena.ofShared();
        StoredTensor w = GgufFile.read(file, arena).tensors().get("w");
        assertEquals(5f, TensorValues.floats(w)[5]);
        arena.close();
        assertThrows(IllegalStateException.class, () -> TensorValues.floats(w));
    }

    @Test
    void everyTruncationIsRefusedWithASentence() {
        byte[] whole = valid();
        for (int length = 0; length < whole.length; length++) {
            byte[] cut = Arrays.copyOf(whole, length);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> GgufFile.parse(MemorySegment.ofArray(cut)), "cut at " + length);
            assertTrue(e.getMessage().length() > 10);
        }
    }

    @Test
    void refusesAWrongMagicOrVersion() {
        byte[] bytes = valid();
        bytes[0] = 'X';
        assertMessage(bytes, "magic");
        byte[] version = valid();
        version[4] = 1;
        assertMessage(version, "version 1");
    }

    @Test
    void refusesCountsAndLengthsBeyondTheFile() {
        assertMessage(new GgufBytes().header(Long.MAX_VALUE, 0).u64(0).bytes(), "tensor count");
        assertMessage(new GgufBytes().header(0, -1).u64(0).bytes(), "metadata count");
        assertMessage(new GgufBytes().header(0, 1).u64(1L << 40).raw(new byte[16]).bytes(), "runs past the end");
        assertMessage(new GgufBytes().header(0, 1).string("k").u32(9).u32(0).u64(1L << 50).raw(new byte[8]).bytes(),
                "cannot fit");
        assertMessage(new GgufBytes().header(0, 1).string("k").u32(99).raw(new byte[8]).bytes(), "unknown value type");
    }

    @Test
    void refusesTensorsOutsideTheDataOrOfUnknownType() {
        assertMessage(tensorFile(0, 0, 32, 64), "beyond");
        assertMessage(tensorFile(0, 32, 4, 16), "beyond");
        assertMessage(tensorFile(0, 0, 1L << 62, 4), "too large");
        assertMessage(tensorFile(0, 0, -1, 4), "dimension");
        assertMessage(tensorFile(99, 0, 4, 64), "unsupported ggml type 99");
        assertMessage(tensorFile(0, 3, 1, 64), "alignment");
        assertMessage(tensorFile(8, 0, 31, 64), "multiple of 32");
        assertMessage(new GgufBytes().header(1, 0).string("t").u32(5).raw(new byte[60]).bytes(), "5 dimensions");
        assertMessage(new GgufBytes().header(1, 1).string("general.alignment").u32(4).u32(3).raw(new byte[40]).bytes(),
                "power of two");
    }

    @Test
    void refusesATensorListedTwice() {
        GgufBytes file = new GgufBytes().header(2, 0).tensorInfo("t", 0, 0, 1).tensorInfo("t", 0, 0, 1).padTo(32);
        file.f32(1);
        assertMessage(file.bytes(), "listed twice");
    }

    private static byte[] tensorFile(int type, long offset, long extent, int dataBytes) {
        GgufBytes file = new GgufBytes().header(1, 0).tensorInfo("t", type, offset, extent).padTo(32);
        file.raw(new byte[dataBytes]);
        return file.bytes();
    }

    private static void assertMessage(byte[] bytes, String part) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GgufFile.parse(MemorySegment.ofArray(bytes)));
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }
}
