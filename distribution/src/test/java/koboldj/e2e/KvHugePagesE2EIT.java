package koboldj.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * bin/koboldj has glibc's malloc ask for transparent huge pages for large allocations, so the KV
 * caches llama.cpp allocates and clears are faulted in 2 MB at a time (what creating a context
 * costs, most of it, otherwise; the text bundle then gives the cleared pages back) and llama.cpp's
 * other large buffers live in them. Checked where the kernel offers huge pages on request.
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
