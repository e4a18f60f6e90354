package koboldj.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * {@code --debug} prints the start-up stages up to the first token, each once, in order, with times that only grow,
 * counted from the launch: the port opens no later than this test, which launched the server, saw it serving.
 */
class StartupStagesE2EIT {
    private static final Pattern STAGE = Pattern.compile("(?m)^startup +(\\d+\\.\\d{3}) s  (.+)$");
    private static final String MODEL = "text model " + Path.of(TestModel.path()).getFileName();
    /** Each chain in the order its stages must come; the launcher's and the text model's run side by side until the port opens. */
    private static final List<List<String>> CHAINS = List.of(
            List.of("launcher main", "framework initialised", "bundles installed", "framework started",
                    "HTTP (Jetty) answers", "models loaded, routes settled", "public port open"),
            List.of("launcher main", "text service configured", MODEL + ": loading", "llama library loaded",
                    MODEL + ": file opened", MODEL + ": engine started", MODEL + ": service registered",
                    "first generation request submitted", "first generated text handed to the HTTP side"),
            // as KoboldCpp's, the port opens once the model is in
            List.of(MODEL + ": service registered", "models loaded, routes settled", "public port open"));

    @Test
    void debugPrintsEachStageInOrderWithGrowingTimes() throws Exception {
        long launched = System.nanoTime();
        try (ServerProcess server = ServerProcess.withTextModel("--debug")) {
            double serving = (System.nanoTime() - launched) / 1e9;
            for (int i = 0; i < 2; i++) {
                assertEquals(200, server.post("/api/v1/generate", "{\"prompt\":\"Once upon a time\",\"max_length\":4}")
                        .statusCode(), server.output());
            }
            assertTrue(Eventually.within(10_000, () -> server.output().contains("first generated text")), server.output());

            List<String> stages = new ArrayList<>();
            double previous = 0;
            Matcher line = STAGE.matcher(server.output());
            while (line.find()) {
                double seconds = Double.parseDouble(line.group(1));
                assertTrue(seconds >= previous, "times go back at '" + line.group() + "':\n" + server.output());
                previous = seconds;
                stages.add(line.group(2));
                if (line.group(2).equals("public port open")) {
                    assertTrue(seconds <= serving, "the port opened at " + seconds + " s by --debug's count, but the server"
                            + " was serving " + serving + " s after this test launched it");
                }
            }
            for (List<String> chain : CHAINS) {
                int last = -1;
                for (String stage : chain) {
                    List<Integer> at = indicesStartingWith(stages, stage);
                    assertEquals(1, at.size(), "'" + stage + "' once in " + stages);
                    assertTrue(at.get(0) > last, "'" + stage + "' after " + chain.subList(0, chain.indexOf(stage)) + " in " + stages);
                    last = at.get(0);
                }
            }
        }
    }

    private static List<Integer> indicesStartingWith(List<String> stages, String prefix) {
        List<Integer> at = new ArrayList<>();
        for (int i = 0; i < stages.size(); i++) {
            if (stages.get(i).startsWith(prefix)) {
                at.add(i);
            }
        }
        return at;
    }
}
