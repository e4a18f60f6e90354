package koboldj.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/**
 * bin/koboldj's ahead-of-time cache: whatever state an earlier start left (nothing, a recording, a
 * cache), within three starts the server runs with the cache mapped, and serves as without it;
 * --debug says which it was, and nothing else of the JVM's AOT messages reaches the output.
 */
class AotCacheE2EIT {
    private static final Path CACHE = ServerProcess.installation().resolve("koboldj.aot");
    private static final long ASSEMBLY_MILLIS = 90_000;

    @Test
    void aLaterStartMapsTheCache() throws Exception {
        for (int start = 1; start <= 3; start++) {
            boolean recorded = recordings() > 0;
            try (ServerProcess server = ServerProcess.start("--debug")) {
                assertEquals(200, server.get("/api/extra/version").statusCode());
                String output = server.output();
                assertTrue(output.lines().filter(line -> line.contains("AOT")).allMatch(line -> line.startsWith("startup ")),
                        "the JVM's AOT messages reach the output:\n" + output);
                if (mapped(server)) {
                    assertTrue(output.contains("launcher main (JVM started; AOT cache mapped)"), output);
                    return;
                }
                assertTrue(output.contains("launcher main (JVM started; no AOT cache yet: "), output);
            }
            // a start that found a finished recording assembles the cache from it in the background
            long deadline = System.currentTimeMillis() + ASSEMBLY_MILLIS;
            while (recorded && !Files.exists(CACHE) && System.currentTimeMillis() < deadline) {
                Thread.sleep(100);
            }
            assertTrue(recorded || recordings() > 0, "a start without the cache left no recording");
        }
        throw new AssertionError("three starts and the AOT cache " + CACHE + " is not mapped; the folder holds "
                + Files.list(CACHE.getParent()).map(Path::getFileName).toList());
    }

    private static long recordings() throws Exception {
        try (var files = Files.list(CACHE.getParent())) {
            return files.filter(file -> file.getFileName().toString().startsWith("koboldj.aotconf.")).count();
        }
    }

    private static boolean mapped(ServerProcess server) throws Exception {
        Path maps = Path.of("/proc", String.valueOf(server.pid()), "maps");
        return Files.readAllLines(maps).stream().anyMatch(line -> line.endsWith("/" + CACHE.getFileName()));
    }
}
