package koboldj.e2e;

import static koboldj.e2e.PlatformE2EIT.within;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * Rebuilding a checkout under a running server replaces its bundle jars with new content, and
 * FileInstall updates those bundles in the live process. Here the llama.cpp library bundle and the
 * text bundle are updated three times while generations and embeddings run: the server must stay
 * up, no request may hang, both APIs answer 200 afterwards, and llama.cpp is mapped into the
 * process once, not once per update of its bundle. A stream that the update cuts off ends with
 * an error event that says so, never with a "stop" that reads like a natural end.
 */
class BundleUpdateE2EIT {
    private static final Path BUNDLES = Path.of(System.getProperty("koboldj.runtime", "target/koboldj")).resolve("bundles");
    private static final List<String> UPDATED = List.of("koboldj.native.llama.jar", "koboldj.text.jar");
    private static final int ROUNDS = 3;
    private static final String GENERATE = "{\"prompt\":\"Once upon a time\",\"max_length\":24}";
    private static final String EMBED = "{\"input\":[\"Once upon a time there was\",\"a little girl\"]}";
    /** Nothing but the length can end this stream naturally: no end-of-sequence, no stop sequence. */
    private static final String STREAM = "{\"prompt\":\"Once upon a time\",\"max_length\":400,\"ban_eos_token\":true}";
    private static final Pattern ENDED_BY_AN_ERROR = Pattern.compile("\"finish_reason\":\"error\",\"error\":\"The text mod\\w+ [^\"]+\"");

    @Test
    void updatingTheNativeAndTextBundlesUnderLoadKeepsTheServerServing() throws Exception {
        Map<Path, byte[]> originals = new LinkedHashMap<>();
        for (String name : UPDATED) {
            originals.put(BUNDLES.resolve(name), Files.readAllBytes(BUNDLES.resolve(name)));
        }
        Path staging = Files.createTempDirectory(BUNDLES.getParent(), "update-staging");
        try (ServerProcess server = ServerProcess.withTextModel("--contextsize", "512")) {
            long pid = server.pid();
            assertTrue(within(60_000, () -> server.post("/v1/embeddings", EMBED).statusCode() == 200),
                    "embeddings serve from the text model\n" + server.output());
            Load load = new Load(server);
            for (int round = 1; round <= ROUNDS; round++) {
                int texts = count(server, "Text model ");
                int embeddings = count(server, "Embeddings model ");
                for (Map.Entry<Path, byte[]> jar : originals.entrySet()) {
                    RebuiltJar.replace(jar.getKey(), jar.getValue(), "koboldj-update-" + round + ".txt", staging);
                }
                int r = round;
                assertTrue(within(45_000, () -> !server.isAlive()
                        || count(server, "Text model ") > texts && count(server, "Embeddings model ") > embeddings),
                        "round " + r + ": the updated text bundle loads both models again\n" + server.output());
                assertTrue(server.isAlive(), "round " + round + ": the JVM is alive\n" + server.output());
            }
            load.stop();
            assertTrue(within(20_000, () -> server.post("/api/v1/generate", GENERATE).statusCode() == 200),
                    "generation answers after the updates\n" + server.output());
            assertTrue(within(20_000, () -> server.post("/v1/embeddings", EMBED).statusCode() == 200),
                    "embeddings answer after the updates\n" + server.output());
            assertEquals(pid, server.pid());
            assertTrue(server.isAlive());
            assertTrue(load.failures.isEmpty(), "requests during the updates: " + load.failures);
            assertTrue(load.answered.get() > 0, "the load ran");
            assertTrue(load.streamed.get() > 0, "the streams ran");
            assertEquals(1, mappedLibraries(pid), "libjllama.so is mapped once however often its bundle is updated");
        } finally {
            for (Map.Entry<Path, byte[]> jar : originals.entrySet()) {
                Files.write(jar.getKey(), jar.getValue());
            }
            try (var files = Files.list(staging)) {
                for (Path file : files.toList()) {
                    Files.delete(file);
                }
            }
            Files.delete(staging);
        }
    }

    /** Server log lines that say a model of this kind is ready (each start of the text bundle loads both). */
    static int count(ServerProcess server, String kind) {
        return (int) server.output().lines().filter(line -> line.contains(kind) && line.contains(" ready in ")).count();
    }

    /** The distinct libjllama.so files mapped into the process. */
    private static long mappedLibraries(long pid) throws IOException {
        return Files.readAllLines(Path.of("/proc", String.valueOf(pid), "maps")).stream()
                .filter(line -> line.endsWith("libjllama.so") || line.contains("libjllama.so "))
                .map(line -> line.substring(line.indexOf('/')))
                .distinct().count();
    }

    /**
     * Generations and embeddings back to back on two threads. A request that hangs (no answer
     * within the client's 30 s) or an answer that is not JSON is a failure; statuses are not judged
     * while the REST application is rebuilt around the bundle swap, only that each request ends.
     */
    private static final class Load {
        final Queue<String> failures = new ConcurrentLinkedQueue<>();
        final AtomicInteger answered = new AtomicInteger();
        final AtomicInteger streamed = new AtomicInteger();
        private volatile boolean running = true;
        private final List<Thread> threads;

        Load(ServerProcess server) {
            threads = List.of(loop(server, "/api/v1/generate", GENERATE), loop(server, "/v1/embeddings", EMBED),
                    streams(server));
        }

        /** Streams that only their length can end: each must end with "length", or with "error" and why. */
        private Thread streams(ServerProcess server) {
            return Thread.ofPlatform().name("load streams").start(() -> {
                while (running && server.isAlive()) {
                    try {
                        var response = server.post("/api/extra/generate/stream", STREAM);
                        if (response.statusCode() != 200) {
                            continue; // refused while the text bundle was away: judged by the other loops
                        }
                        streamed.incrementAndGet();
                        String body = response.body();
                        boolean length = body.contains("\"finish_reason\":\"length\"");
                        // cut off while it ran ("The text module was stopped…") or refused as it came
                        // in while the engine stopped ("The text model is being unloaded.")
                        boolean error = ENDED_BY_AN_ERROR.matcher(body).find();
                        if (length == error) {
                            failures.add("a stream did not end with its length or an error: "
                                    + body.substring(Math.max(0, body.length() - 300)));
                        }
                    } catch (HttpTimeoutException e) {
                        failures.add("a stream hung: no end in 30 s");
                    } catch (IOException e) {
                        // the connection was cut while the HTTP service restarted: the request ended
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }

        private Thread loop(ServerProcess server, String path, String body) {
            return Thread.ofPlatform().name("load " + path).start(() -> {
                while (running && server.isAlive()) {
                    try {
                        var response = server.post(path, body);
                        answered.incrementAndGet();
                        if (response.statusCode() == 200 && !response.body().startsWith("{")) {
                            failures.add(path + " 200 without JSON: " + response.body());
                        }
                    } catch (HttpTimeoutException e) {
                        failures.add(path + " hung: no answer in 30 s");
                    } catch (IOException e) {
                        // the connection was cut while the HTTP service restarted: the request ended
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }

        void stop() throws InterruptedException {
            running = false;
            for (Thread thread : threads) {
                thread.join();
            }
        }
    }
}
