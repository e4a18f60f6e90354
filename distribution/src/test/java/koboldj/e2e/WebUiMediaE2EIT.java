package koboldj.e2e;

import static koboldj.e2e.PlatformE2EIT.json;
import static koboldj.e2e.PlatformE2EIT.within;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import koboldj.testing.sdcheckpoints.SdCheckpoints;
import koboldj.testing.sdcheckpoints.SdFamily;
import koboldj.testing.sdcheckpoints.SdShape;
import koboldj.testing.sdcheckpoints.StorageType;

/**
 * The web UI's controls for the server's other capabilities, in a real browser
 * (src/test/webui/media.mjs): an image of the selected text from a tiny SD checkpoint written
 * here, replies read aloud by espeak-ng, dictation from Chromium's fake microphone (fed with
 * jfk.wav) to the weightless Whisper test model, web search results from {@link FakeWeb} in the
 * prompt, and a switch between two .kcpps files of the admin folder that takes those capabilities
 * away and brings them back while the page stays open. One server carries them all, started from
 * the first of the two files.
 */
class WebUiMediaE2EIT {
    private static final NodeProject PROJECT =
            new NodeProject(Path.of("src", "test", "webui"), Path.of("target", "webui-e2e"));
    private static final String ADMIN_KEY = "switch-key";
    /** media.mjs's exit code when Chromium does not start. */
    private static final int BROWSER_FAILED = 3;

    @TempDir
    Path folder;

    @Test
    void theServersOtherCapabilitiesWorkInTheBrowser() throws Exception {
        NodeProject.require(NodeProject.onPath("node") && NodeProject.onPath("npm"),
                "node and npm are not on the PATH: the web UI test needs Node.js 20+ and npm");
        NodeProject.require(WebUiE2EIT.chromium(), "/usr/bin/chromium is missing and could not be installed"
                + " (apt-get install -y chromium, as root)");
        TtsE2EIT.requireEspeak();
        Path whisper = SpeechSamples.required(TranscribeE2EIT.WHISPER_MODEL);
        Path speech = SpeechSamples.required("audio/jfk.wav");
        PROJECT.install();

        Path admin = Files.createDirectories(folder.resolve("admin"));
        SdCheckpoints.writeSafetensors(admin.resolve("tiny-sd1.safetensors"), SdShape.tiny(SdFamily.SD1), StorageType.F16, 7);
        Files.copy(Path.of(TestModel.path()), admin.resolve("copy.gguf"));
        try (FakeWeb web = new FakeWeb()) {
            Files.writeString(admin.resolve("everything.kcpps"), """
                    {"model_param": "%s", "contextsize": 2048, "sdmodel": "tiny-sd1.safetensors", "sdthreads": 2,
                     "ttsmodel": "espeak-ng", "whispermodel": "%s", "websearch": true, "websearchallowlocal": true}
                    """.formatted(quoted(TestModel.path()), quoted(whisper.toString())));
            Files.writeString(admin.resolve("text-only.kcpps"), "{\"model_param\": \"copy.gguf\", \"contextsize\": 1024}");
            try (ServerProcess server = ServerProcess.start("--config", admin.resolve("everything.kcpps").toString(),
                    "--admin", "--admindir", admin.toString(), "--adminpassword", ADMIN_KEY,
                    "--set", "koboldj.websearch.duckduckgo.url=" + web.engine.url("/html/"),
                    // the slow result page is given up after 3 s; the engine gets the time a busy machine may need
                    "--set", "koboldj.websearch.pagetimeoutseconds=3", "--set", "koboldj.websearch.enginetimeoutseconds=30")) {
                server.awaitTextModel();
                assertTrue(within(120_000, () -> {
                    JsonNode version = json(server.get("/api/extra/version"));
                    return version.path("txt2img").asBoolean() && version.path("tts").asBoolean()
                            && version.path("transcribe").asBoolean() && version.path("websearch").asBoolean();
                }), "every capability loads\n" + server.output());

                NodeProject.Finished run = PROJECT.run(List.of("node", "media.mjs"), Map.of(
                        "KOBOLDJ_URL", server.uri("").toString(),
                        "KOBOLDJ_ADMIN_KEY", ADMIN_KEY,
                        "MICROPHONE", speech.toString(),
                        "CHROMIUM", "/usr/bin/chromium",
                        "SCREENSHOTS", PROJECT.work().resolve("screenshots-media").toAbsolutePath().toString()), 600);
                System.out.println(run.output());
                if (run.exitCode() == BROWSER_FAILED) {
                    NodeProject.require(false, "Chromium did not start:\n" + run.output());
                }
                assertEquals(0, run.exitCode(), "web UI media checks failed:\n" + run.output() + "\nserver:\n" + server.output());
                assertTrue(run.output().contains("7 of 7 web UI media checks passed"), run.output());
                assertTrue(web.engine.requests.stream().anyMatch(uri -> uri.toString().startsWith("/html/?q=velvet")),
                        "the page's search reached the search engine: " + web.engine.requests);
                assertTrue(server.isAlive());
            }
        }
    }

    /** {@code text} as the inside of a JSON string. */
    private static String quoted(String text) {
        return text.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
