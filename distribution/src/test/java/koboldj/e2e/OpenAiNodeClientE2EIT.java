package koboldj.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official {@code openai} npm client (pinned in src/test/node/package-lock.json, installed with
 * npm ci into target/) against bin/koboldj with the test model: models, completions and chat
 * completions whole and streamed, usage against /v1/tokenize, errors as the client's APIError,
 * response_format json_schema, a forced tool call with parsed arguments, stream_options include_usage,
 * and a second model loaded beside the test model, picked by its name.
 * Without node and npm the test is skipped on a developer's machine and fails under CI.
 */
class OpenAiNodeClientE2EIT {
    @TempDir
    static Path temp;
    private static final NodeProject PROJECT =
            new NodeProject(Path.of("src", "test", "node"), Path.of("target", "openai-node-client"));

    @Test
    void theOfficialOpenAiClientWorksAgainstKoboldj() throws Exception {
        for (String tool : List.of("node", "npm")) {
            NodeProject.require(NodeProject.onPath(tool),
                    tool + " is not on the PATH: the openai client test needs Node.js 20+ and npm");
        }
        PROJECT.install();
        Path second = TestModel.writeSecond(temp);
        try (ServerProcess server = ServerProcess.withTextModel("--contextsize", "2048", "--model", second.toString())) {
            assertTrue(PlatformE2EIT.within(60_000, () -> server.get("/v1/models/" + TestModel.SECOND).statusCode() == 200),
                    "the second model serves:\n" + server.output());
            NodeProject.Finished run = PROJECT.run(List.of("node", "openai-client.mjs"), Map.of("KOBOLDJ_URL",
                    server.uri("").toString(), "KOBOLDJ_MODEL", "stories260K", "KOBOLDJ_SECOND_MODEL", TestModel.SECOND), 300);
            assertEquals(0, run.exitCode(), "openai client checks failed:\n" + run.output() + "\nserver:\n" + server.output());
            assertTrue(run.output().contains("11 of 11 openai client checks passed"), run.output());
        }
    }
}
