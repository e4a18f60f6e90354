package koboldj.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * What this start did about JDK 25's AOT cache, for --debug: bin/koboldj names what it asked of the
 * JVM ({@code -Dkoboldj.aot}), and whether the JVM mapped a cache it was given shows in the process's
 * memory map (a cache the JVM cannot use it ignores without a word).
 */
final class AotCacheState {
    private static final String CACHE_FILE = "koboldj.aot";

    private AotCacheState() {
    }

    static String describe() {
        return switch (System.getProperty("koboldj.aot", "")) {
            case "use" -> mapped() ? "AOT cache mapped" : "AOT cache given but not mapped: the JVM refused it";
            case "record" -> "no AOT cache yet: this run records one, written as it stops";
            case "assembling" -> "no AOT cache yet: being assembled from the last recording";
            case "recorded-elsewhere" -> "no AOT cache yet: another server is recording one";
            default -> "no AOT cache";
        };
    }

    private static boolean mapped() {
        try (Stream<String> maps = Files.lines(Path.of("/proc/self/maps"))) {
            return maps.anyMatch(line -> line.endsWith("/" + CACHE_FILE));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
