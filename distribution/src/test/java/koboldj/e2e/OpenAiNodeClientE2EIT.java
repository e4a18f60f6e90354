package koboldj.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import org.junit.jupiter.api.Test;

/**
 * The official {@code openai} npm client (pinned in src/test/node/package-lock.json, installed with
 * npm ci into target/) against bin/koboldj with the test model: models, completions and chat
 * completions whole and streamed, usage against /v1/tokenize, errors as the client's APIError.
 * Without node and npm the test is skipped on a developer's machine and fails under CI.
 */
class OpenAiNodeClientE2EIT {
    private static final Path SOURCES = Path.of("src", "test", "node");
    private static final Path WORK = Path.of("target", "openai-node-client");

    @Test
    void theOfficialOpenAiClientWorksAgainstKoboldj() throws Exception {
        requireOnPath("node");
        requireOnPath("npm");
        install();
        try (ServerProcess server = ServerProcess.withTextModel("--contextsize", "2048")) {
            Finished run = run(List.of("node", "openai-client.mjs"), Map.of("KOBOLDJ_URL", server.uri("").toString(),
                    "KOBOLDJ_MODEL", "stories260K"), 300);
            assertEquals(0, run.exitCode(), "openai client checks failed:\n" + run.output() + "\nserver:\n" + server.output());
            assertTrue(run.output().contains("7 of 7 openai client checks passed"), run.output());
        }
    }

    /** Copies the client project into target/ and installs exactly its lock file's packages there. */
    private static void install() throws IOException, InterruptedException {
        Files.createDirectories(WORK);
        try (var files = Files.list(SOURCES)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Files.copy(file, WORK.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Finished ci = run(List.of("npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts"), Map.of(), 600);
        assertEquals(0, ci.exitCode(), "npm ci failed:\n" + ci.output());
    }

    private static void requireOnPath(String tool) {
        boolean found = Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .filter(dir -> !dir.isEmpty()).anyMatch(dir -> Files.isExecutable(Path.of(dir, tool)));
        String message = tool + " is not on the PATH: the openai client test needs Node.js 20+ and npm";
        if (System.getenv("CI") != null) {
            assertTrue(found, message);
        }
        Assumptions.assumeTrue(found, message);
    }

    private record Finished(int exitCode, String output) {
    }

    private static Finished run(List<String> command, Map<String, String> environment, int timeoutSeconds)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(WORK.toFile()).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Path log = Files.createTempFile(WORK.toAbsolutePath(), "run", ".log");
        builder.redirectOutput(log.toFile());
        Process process = builder.start();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            return new Finished(-1, command + " did not end in " + timeoutSeconds + " s:\n" + Files.readString(log, StandardCharsets.UTF_8));
        }
        return new Finished(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }
}
