package koboldj.e2e;

import static koboldj.e2e.PlatformE2EIT.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web UI in a real browser: src/test/webui/webui.mjs drives Debian's headless Chromium through
 * playwright-core (pinned in its package-lock.json, installed with npm ci into target/) against
 * bin/koboldj with the test model (with save slots in a --savedatafile database), and against a
 * second server started with --password. The screenshots land in target/webui-e2e/screenshots for a
 * person to look at.
 * <p>
 * What the test needs is installed when missing: Chromium with apt-get (when running as root) and
 * the npm packages. Without a browser, node or npm it is skipped on a developer's machine and fails
 * under CI.
 */
class WebUiE2EIT {
    private static final NodeProject PROJECT =
            new NodeProject(Path.of("src", "test", "webui"), Path.of("target", "webui-e2e"));
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final String KEY = "open-sesame";
    /** webui.mjs's exit code when Chromium does not start. */
    private static final int BROWSER_FAILED = 3;

    @Test
    void theWebUiWorksInABrowser(@TempDir Path saves) throws Exception {
        NodeProject.require(NodeProject.onPath("node") && NodeProject.onPath("npm"),
                "node and npm are not on the PATH: the web UI test needs Node.js 20+ and npm");
        NodeProject.require(chromium(), CHROMIUM + " is missing and could not be installed (apt-get install -y chromium, as root)");
        PROJECT.install();
        try (ServerProcess plain = ServerProcess.withTextModel("--contextsize", "8192",
                "--savedatafile", saves.resolve("slots").toString());
                ServerProcess locked = ServerProcess.start("--model", TestModel.path(), "--contextsize", "8192",
                        "--password", KEY)) {
            // the model routes want the key; the version route says, openly, when the model serves
            assertTrue(locked.offers("llm", 120_000),
                    "the protected server's model loads\n" + locked.output());
            NodeProject.Finished run = PROJECT.run(List.of("node", "webui.mjs"), Map.of(
                    "KOBOLDJ_URL", plain.uri("").toString(),
                    "KOBOLDJ_PROTECTED_URL", locked.uri("").toString(),
                    "KOBOLDJ_KEY", KEY,
                    "CHROMIUM", CHROMIUM.toString(),
                    "SCREENSHOTS", PROJECT.work().resolve("screenshots").toAbsolutePath().toString()), 600);
            System.out.println(run.output());
            if (run.exitCode() == BROWSER_FAILED) {
                NodeProject.require(false, "Chromium did not start:\n" + run.output());
            }
            assertEquals(0, run.exitCode(), "web UI checks failed:\n" + run.output() + "\nserver:\n" + plain.output());
            assertTrue(run.output().contains("21 of 21 web UI checks passed"), run.output());
        }
    }

    /** Debian's Chromium, installed with apt-get when it is missing and this process may. */
    static boolean chromium() throws IOException, InterruptedException {
        if (Files.isExecutable(CHROMIUM)) {
            return true;
        }
        if (!"root".equals(System.getProperty("user.name")) || !NodeProject.onPath("apt-get")) {
            return false;
        }
        Map<String, String> quiet = Map.of("DEBIAN_FRONTEND", "noninteractive");
        if (PROJECT.run(List.of("apt-get", "install", "-y", "chromium"), quiet, 900).exitCode() != 0) {
            PROJECT.run(List.of("apt-get", "update"), quiet, 600); // the package lists may be stale or absent
            PROJECT.run(List.of("apt-get", "install", "-y", "chromium"), quiet, 900);
        }
        return Files.isExecutable(CHROMIUM);
    }
}
