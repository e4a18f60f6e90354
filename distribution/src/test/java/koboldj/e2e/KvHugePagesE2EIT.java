package koboldj.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * llama.cpp's large buffers other than KV caches live in transparent huge pages: its compute
 * buffers, which the native-llama bundle's CPU buffer type maps with MADV_HUGEPAGE, and the
 * graph metadata it zeroes, which bin/koboldj's glibc tunable has malloc place in them (faulted in
 * 2 MB at a time). Checked where the kernel offers huge pages on request.
 */
class KvHugePagesE2EIT {
    private static final Path THP = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");
    private static final Pattern ANON_HUGE = Pattern.compile("(?m)^AnonHugePages:\\s+(\\d+) kB$");

    @Test
    void largeAllocationsOfALoadedModelLiveInHugePages() throws Exception {
        assumeTrue(Files.isReadable(THP) && !Files.readString(THP).contains("[never]"),
                "the kernel offers no transparent huge pages");
        try (ServerProcess server = ServerProcess.withTextModel()) {
            String memory = Files.readString(Path.of("/proc", Long.toString(server.pid()), "smaps_rollup"));
            Matcher huge = ANON_HUGE.matcher(memory);
            assertTrue(huge.find(), memory);
            // llama.cpp's buffers of the test model's lanes; the JVM's heap takes no huge pages
            assertTrue(Long.parseLong(huge.group(1)) >= 2048, memory);
        }
    }
}
