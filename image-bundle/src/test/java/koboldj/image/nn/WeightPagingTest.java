package koboldj.image.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import koboldj.image.checkpoint.Checkpoints;
import koboldj.image.checkpoint.StoredTensor;
import koboldj.image.checkpoint.TensorSource;
import koboldj.testing.sdcheckpoints.SdCheckpoints;
import koboldj.testing.sdcheckpoints.SdFamily;
import koboldj.testing.sdcheckpoints.SdShape;
import koboldj.testing.sdcheckpoints.StorageType;

/**
 * The mapped checkpoint's weights are resident in this process only while a network reads them: after each
 * computation the file's mapping holds no more than its header, as /proc/self/smaps counts it.
 */
class WeightPagingTest {
    private static final long PAGE = 4096;
    /** Pages the kernel may map around a fault besides the one asked (fault-around is 64 KB by default). */
    private static final long FAULT_AROUND = 16 * PAGE;

    @TempDir
    Path folder;

    @Test
    void eachNetworkLeavesItsWeightsOutOfResidentMemory() throws IOException {
        Path file = SdCheckpoints.writeSafetensors(folder.resolve("tiny.safetensors"), SdShape.tiny(SdFamily.SD1),
                StorageType.F16, 3).toRealPath();
        long weightBytes = Files.size(file) - headerBytes(file);
        long allowed = (headerBytes(file) + PAGE - 1) / PAGE * PAGE + FAULT_AROUND;
        assertTrue(weightBytes > 4 * allowed, "the weights are many pages: " + weightBytes);
        try (TensorSource source = Checkpoints.open(file, null); StableDiffusion sd = StableDiffusion.load(source, 2)) {
            assertResidentAtMost(allowed, file, "after loading");

            touchEveryWeight(source);
            assertTrue(residentBytes(file) > weightBytes / 2, "reading the weights makes them resident (the measure works)");
            int[] ids = new int[77];
            java.util.Arrays.fill(ids, 1, 77, 49407);
            ids[0] = 49406;
            float[] text = sd.encodeText(ids, 1, 1);
            assertResidentAtMost(allowed, file, "after the text encoder");

            touchEveryWeight(source);
            sd.predict(new float[4 * 8 * 8], 1, 8, 8, new float[] {500}, text, 77);
            assertResidentAtMost(allowed, file, "after a UNet step");

            touchEveryWeight(source);
            sd.decode(new float[4 * 8 * 8], 8, 8);
            assertResidentAtMost(allowed, file, "after the VAE decoder");
        }
    }

    private static void assertResidentAtMost(long allowed, Path file, String when) throws IOException {
        long resident = residentBytes(file);
        assertTrue(resident <= allowed, when + ": " + resident + " bytes of the checkpoint resident, more than " + allowed);
    }

    private static void touchEveryWeight(TensorSource source) {
        long sum = 0;
        for (String name : source.names()) {
            StoredTensor tensor = source.tensor(name).orElseThrow();
            for (long at = 0; at < tensor.data().byteSize(); at += PAGE / 2) {
                sum += tensor.data().get(ValueLayout.JAVA_BYTE, at);
            }
        }
        assertTrue(sum != Long.MIN_VALUE);
    }

    /** The safetensors header: its 8-byte length, then the JSON. */
    private static long headerBytes(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file)) {
            ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            channel.read(length, 0);
            return 8 + length.getLong(0);
        }
    }

    /** The Rss of this process's mappings of {@code file}, from /proc/self/smaps. */
    private static long residentBytes(Path file) throws IOException {
        List<String> lines = Files.readAllLines(Path.of("/proc/self/smaps"));
        long kilobytes = 0;
        boolean ofFile = false;
        for (String line : lines) {
            if (!line.split("\\s+", 2)[0].endsWith(":")) {
                // a mapping's first line: address range, permissions, offset, device, inode, path
                ofFile = line.endsWith(" " + file);
            } else if (ofFile && line.startsWith("Rss:")) {
                kilobytes += Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return kilobytes * 1024;
    }
}
