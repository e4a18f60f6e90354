package koboldj.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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

    /**
     * The run that records the cache, the first after a build, may see its bundles updated (a
     * rebuild under the running server): its JVM must still write the recording as it stops. JDK
     * 25.0.3 crashed writing it once the updated bundles' old classes were unloaded, leaving an
     * empty recording and a crash log.
     */
    @Test
    void aRecordingRunWhoseBundlesAreUpdatedStillRecords() throws Exception {
        try (var files = Files.list(CACHE.getParent())) {
            for (Path file : files.filter(file -> file.getFileName().toString().startsWith("koboldj.aot")).toList()) {
                if (!file.getFileName().toString().equals("koboldj.aot.lock")) {
                    Files.delete(file);
                }
            }
        }
        List<Path> jars = List.of(bundle("koboldj.native.llama.jar"), bundle("koboldj.text.jar"));
        List<byte[]> originals = new ArrayList<>();
        for (Path jar : jars) {
            originals.add(Files.readAllBytes(jar));
        }
        Path staging = Files.createTempDirectory(CACHE.getParent(), "update-staging");
        ServerProcess server = ServerProcess.withTextModel("--debug");
        try {
            assertTrue(server.output().contains("this run records one"), server.output());
            for (int round = 1; round <= 3; round++) {
                int ready = BundleUpdateE2EIT.count(server, "Text model ");
                for (int i = 0; i < jars.size(); i++) {
                    RebuiltJar.replace(jars.get(i), originals.get(i), "koboldj-aot-" + round + ".txt", staging);
                }
                assertTrue(PlatformE2EIT.within(45_000, () -> BundleUpdateE2EIT.count(server, "Text model ") > ready),
                        "round " + round + ": the text bundle is updated\n" + server.output());
                // the replaced bundles' classes are unloaded
                Process gc = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                        String.valueOf(server.pid()), "GC.run").redirectErrorStream(true).start();
                assertEquals(0, gc.waitFor(), new String(gc.getInputStream().readAllBytes()));
            }
        } finally {
            server.close();
            for (int i = 0; i < jars.size(); i++) {
                Files.write(jars.get(i), originals.get(i));
            }
            Files.delete(staging);
        }
        List<Path> recordings = recordingFiles();
        assertEquals(1, recordings.size(), recordings.toString());
        assertTrue(Files.size(recordings.getFirst()) > 1024 * 1024, "the recording is written: " + Files.size(recordings.getFirst()));
        assertEquals(143, server.exitCode(), "stopped by its SIGTERM, not a crash\n" + server.output());
    }

    private static Path bundle(String name) {
        return CACHE.resolveSibling("bundles").resolve(name);
    }

    private static long recordings() throws Exception {
        return recordingFiles().size();
    }

    private static List<Path> recordingFiles() throws Exception {
        try (var files = Files.list(CACHE.getParent())) {
            return files.filter(file -> file.getFileName().toString().startsWith("koboldj.aotconf.")).toList();
        }
    }

    private static boolean mapped(ServerProcess server) throws Exception {
        Path maps = Path.of("/proc", String.valueOf(server.pid()), "maps");
        return Files.readAllLines(maps).stream().anyMatch(line -> line.endsWith("/" + CACHE.getFileName()));
    }
}
