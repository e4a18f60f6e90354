package koboldj.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * A Node.js test project of the e2e suite (src/test/&lt;name&gt;, pinned by its package-lock.json):
 * copied into target/ and installed there with npm ci, then its scripts run with a time limit.
 */
final class NodeProject {
    private final Path sources;
    private final Path work;

    /** What a command printed, and how it ended (-1 when it ran out of time). */
    record Finished(int exitCode, String output) {
    }

    NodeProject(Path sources, Path work) {
        this.sources = sources;
        this.work = work;
    }

    Path work() {
        return work;
    }

    /** Copies the project into its work folder and installs exactly its lock file's packages there. */
    void install() throws IOException, InterruptedException {
        Files.createDirectories(work);
        try (var files = Files.list(sources)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Files.copy(file, work.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Finished ci = run(List.of("npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts"), Map.of(), 600);
        assertEquals(0, ci.exitCode(), "npm ci failed:\n" + ci.output());
    }

    /** Runs {@code command} in the work folder, output and errors together, for at most {@code timeoutSeconds}. */
    Finished run(List<String> command, Map<String, String> environment, int timeoutSeconds)
            throws IOException, InterruptedException {
        Files.createDirectories(work);
        ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Path log = Files.createTempFile(work.toAbsolutePath(), "run", ".log");
        builder.redirectOutput(log.toFile());
        Process process = builder.start();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            return new Finished(-1, command + " did not end in " + timeoutSeconds + " s:\n" + Files.readString(log, StandardCharsets.UTF_8));
        }
        return new Finished(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    static boolean onPath(String tool) {
        return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .filter(dir -> !dir.isEmpty()).anyMatch(dir -> Files.isExecutable(Path.of(dir, tool)));
    }

    /** A missing tool fails the test under CI and skips it elsewhere. */
    static void require(boolean present, String message) {
        if (System.getenv("CI") != null && !present) {
            fail(message);
        }
        Assumptions.assumeTrue(present, message);
    }
}
