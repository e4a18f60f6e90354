package koboldj.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A server that bench/text started: how long it took from its launch to the first streamed token,
 * and its peak resident memory. bench/text passes the launch time and the process id.
 */
final class ServerStart {
    private final long launchedAtMillis;
    private final long pid;

    private ServerStart(long launchedAtMillis, long pid) {
        this.launchedAtMillis = launchedAtMillis;
        this.pid = pid;
    }

    /** The server bench/text launched, or null when it measures one that was already running. */
    static ServerStart fromEnvironment() {
        String launched = System.getenv("KOBOLDJ_BENCH_LAUNCHED_MS");
        String pid = System.getenv("KOBOLDJ_BENCH_SERVER_PID");
        if (launched == null || pid == null) {
            return null;
        }
        return new ServerStart(Long.parseLong(launched), Long.parseLong(pid));
    }

    /** Waits until the server reports a text model, then streams one short generation. */
    void awaitFirstToken(URI base) throws Exception {
        long deadline = System.currentTimeMillis() + 600_000;
        while (!textReady(base)) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("the server did not load its model within 10 minutes");
            }
            Thread.sleep(20);
        }
        double ready = (System.currentTimeMillis() - launchedAtMillis) / 1e3;
        long requested = System.currentTimeMillis();
        TextBenchmark.Sample first = new TextBenchmark(base, 8).request("Once upon a time", 1);
        double firstToken = (requested - launchedAtMillis) / 1e3 + first.firstTokenSeconds();
        System.out.printf(Locale.ROOT, "start: model ready %.2f s after launch, first streamed token %.2f s after launch%n",
                ready, firstToken);
    }

    /** VmHWM: the most resident memory the process has had. */
    void reportPeakMemory() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmHWM:")) {
                long kilobytes = Long.parseLong(line.replaceAll("\\D", ""));
                System.out.printf(Locale.ROOT, "server peak RSS: %.0f MB%n", kilobytes / 1024.0);
            }
        }
    }

    private static boolean textReady(URI base) {
        try {
            HttpURLConnection connection = (HttpURLConnection) base.resolve("/api/extra/version").toURL().openConnection();
            connection.setConnectTimeout(1_000);
            connection.setReadTimeout(1_000);
            if (connection.getResponseCode() != 200) {
                return false;
            }
            try (InputStream in = connection.getInputStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8).contains("\"llm\":true");
            }
        } catch (IOException notYet) {
            return false;
        }
    }
}
