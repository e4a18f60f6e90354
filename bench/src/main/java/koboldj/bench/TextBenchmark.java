package koboldj.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Streams KoboldAI generations from a running server at several levels of concurrency and
 * reports throughput, latency and time to first token. Every request generates exactly
 * {@code tokens} tokens (EOS is banned) with temperature 0.8, top-k 40, top-p 0.95, rep-pen 1.1
 * (greedy with KOBOLDJ_BENCH_GREEDY=1).
 *
 * <p>Each client reads its stream with a blocking HttpURLConnection on its own thread, woken once
 * per event; java.net.http.HttpClient reads on its selector thread and hands every chunk on to
 * the reading thread, which cost this client 68 instead of 28 CPU-ms per 1000 streamed tokens
 * (4 clients), CPU taken from the server it measures.
 *
 * <p>Usage: {@code TextBenchmark URL [tokens] [requestsPerClient] [concurrency...]}
 */
public final class TextBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] PROMPTS = {"Once upon a time", "The little cat", "Tom and his sister", "One sunny day",
            "A big red ball", "Lily went to the park", "The old tree", "There was a happy dog"};

    /** KOBOLDJ_BENCH_GREEDY=1: greedy requests (temperature 0), where a draft that is the model itself always agrees. */
    private static final boolean GREEDY = "1".equals(System.getenv("KOBOLDJ_BENCH_GREEDY"));

    private final URI base;
    private final int tokens;

    TextBenchmark(URI base, int tokens) {
        this.base = base;
        this.tokens = tokens;
    }

    record Sample(double seconds, double firstTokenSeconds, int tokens, boolean rejected) {
    }

    public static void main(String[] args) throws Exception {
        // HttpURLConnection keeps 5 idle connections per server by default; every client keeps its own
        System.setProperty("http.maxConnections", "64");
        URI base = URI.create(args.length > 0 ? args[0] : "http://127.0.0.1:5001");
        int tokens = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        int perClient = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        List<Integer> levels = new ArrayList<>();
        for (int i = 3; i < args.length; i++) {
            levels.add(Integer.parseInt(args[i]));
        }
        if (levels.isEmpty()) {
            levels = List.of(1, 2, 4, 8, 16);
        }
        ServerStart start = ServerStart.fromEnvironment();
        if (start != null) {
            start.awaitFirstToken(base);
        }
        new TextBenchmark(base, tokens).measure(perClient, levels);
        if (start != null) {
            start.reportPeakMemory();
        }
        String other = System.getenv("KOBOLDJ_BENCH_COMPARE_URL");
        if (other != null && !other.isBlank()) {
            System.out.println();
            System.out.println("the same load against " + other + ":");
            new TextBenchmark(URI.create(other), tokens).measure(perClient, levels);
        }
    }

    private void measure(int perClient, List<Integer> levels) throws Exception {
        // warm-up: a server runs for days, so what is measured is its compiled code, not the JIT at
        // work; C2 needs about 60 requests of 200 tokens before the rate stops climbing (measured).
        // On a machine too loaded for that, KOBOLDJ_BENCH_WARMUP makes it shorter (requests per client).
        String warmup = System.getenv("KOBOLDJ_BENCH_WARMUP");
        run(4, warmup == null || warmup.isBlank() ? 16 : Integer.parseInt(warmup.trim()));
        JsonNode before = perf();
        System.out.printf("%-8s %9s %12s %10s %10s %10s %10s %9s %13s %13s%n", "clients", "requests", "aggregate", "per-stream",
                "p50 s", "p99 s", "TTFT p50", "rejected", "client ms/1k", "server ms/1k");
        for (int clients : levels) {
            long started = System.nanoTime();
            long cpuBefore = cpuNanos();
            long serverBefore = serverCpuNanos();
            List<Sample> samples = run(clients, perClient);
            double wall = (System.nanoTime() - started) / 1e9;
            long cpu = cpuNanos() - cpuBefore;
            long serverCpu = serverBefore < 0 ? -1 : serverCpuNanos() - serverBefore;
            List<Sample> ok = samples.stream().filter(s -> !s.rejected()).toList();
            int total = ok.stream().mapToInt(Sample::tokens).sum();
            List<Double> latency = ok.stream().map(Sample::seconds).sorted().toList();
            List<Double> firstToken = ok.stream().map(Sample::firstTokenSeconds).sorted().toList();
            double perStream = ok.stream().mapToDouble(s -> s.tokens() / (s.seconds() - s.firstTokenSeconds())).average().orElse(0);
            System.out.printf("%-8d %9d %10.0f/s %8.0f/s %10.3f %10.3f %10.4f %9d %13.1f %13s%n", clients, samples.size(),
                    total / wall, perStream, percentile(latency, 50), percentile(latency, 99), percentile(firstToken, 50),
                    samples.size() - ok.size(), total == 0 ? 0 : cpu / 1e6 / total * 1000,
                    serverCpu < 0 || total == 0 ? "-" : String.format("%.0f", serverCpu / 1e6 / total * 1000));
        }
        JsonNode after = perf();
        double busy = after.path("engine_busy_seconds").asDouble() - before.path("engine_busy_seconds").asDouble();
        double decode = after.path("engine_decode_seconds").asDouble() - before.path("engine_decode_seconds").asDouble();
        long generated = after.path("engine_tokens_sampled").asLong() - before.path("engine_tokens_sampled").asLong();
        if (generated > 0) {
            System.out.printf("engine: %d tokens sampled; decode %.1f%% of busy time; overhead outside llama_decode "
                    + "%.3f ms per sampled token%n", generated, 100 * decode / busy, (busy - decode) * 1000 / generated);
        }
        long proposed = after.path("draft_tokens_proposed").asLong() - before.path("draft_tokens_proposed").asLong();
        if (proposed > 0) {
            long kept = after.path("draft_tokens_accepted").asLong() - before.path("draft_tokens_accepted").asLong();
            System.out.printf("draft: %d tokens proposed, %d kept (%.0f%%)%n", proposed, kept, 100.0 * kept / proposed);
        }
    }

    /**
     * The CPU time this client process has used: it shares the machine with the server, so what it
     * spends per token is taken from the server's decode.
     */
    private static long cpuNanos() {
        return ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }

    /**
     * The CPU time the server has used, if KOBOLDJ_BENCH_SERVER_PID names it; -1 if not known. On
     * a machine shared with other work, CPU time per token is steadier than the wall-clock rate.
     */
    private static long serverCpuNanos() {
        String pid = System.getenv("KOBOLDJ_BENCH_SERVER_PID");
        if (pid == null || pid.isBlank()) {
            return -1;
        }
        return ProcessHandle.of(Long.parseLong(pid.trim())).flatMap(server -> server.info().totalCpuDuration())
                .map(Duration::toNanos).orElse(-1L);
    }

    private JsonNode perf() throws IOException {
        HttpURLConnection connection = open("/api/extra/perf");
        try (InputStream in = connection.getInputStream()) {
            return JSON.readTree(in);
        }
    }

    private HttpURLConnection open(String path) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) base.resolve(path).toURL().openConnection();
        connection.setConnectTimeout(5_000);
        return connection;
    }

    /** POSTs the JSON body; the response is then read from the connection. */
    private HttpURLConnection post(String path, String body) throws IOException {
        HttpURLConnection connection = open(path);
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        connection.setDoOutput(true);
        connection.setFixedLengthStreamingMode(bytes.length);
        connection.setRequestProperty("Content-Type", "application/json");
        try (OutputStream out = connection.getOutputStream()) {
            out.write(bytes);
        }
        return connection;
    }

    /** Reads and drops an error body, so the connection can serve the next request. */
    private static void discard(HttpURLConnection connection) throws IOException {
        try (InputStream error = connection.getErrorStream()) {
            if (error != null) {
                error.transferTo(OutputStream.nullOutputStream());
            }
        }
    }

    private List<Sample> run(int clients, int perClient) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<List<Sample>>> futures = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                futures.add(pool.submit(() -> {
                    List<Sample> mine = new ArrayList<>();
                    for (int r = 0; r < perClient; r++) {
                        mine.add(request(PROMPTS[(client + r) % PROMPTS.length], client * 1000 + r));
                    }
                    return mine;
                }));
            }
            List<Sample> all = new ArrayList<>();
            for (Future<List<Sample>> future : futures) {
                all.addAll(future.get());
            }
            return all;
        } finally {
            pool.shutdownNow();
        }
    }

    private static final boolean STREAM = !"0".equals(System.getenv("KOBOLDJ_BENCH_STREAM"));

    Sample request(String prompt, long seed) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        body.put("prompt", prompt);
        body.put("max_length", tokens);
        if (GREEDY) {
            body.put("temperature", 0);
            body.put("top_k", 1);
            body.put("rep_pen", 1.0);
        } else {
            body.put("temperature", 0.8);
            body.put("top_k", 40);
            body.put("top_p", 0.95);
            body.put("rep_pen", 1.1);
        }
        body.put("ban_eos_token", true);
        body.put("sampler_seed", seed);
        long started = System.nanoTime();
        if (!STREAM) {
            HttpURLConnection whole = post("/api/v1/generate", body.toString());
            if (whole.getResponseCode() != 200) {
                discard(whole);
                return new Sample(0, 0, 0, true);
            }
            int count;
            try (InputStream in = whole.getInputStream()) {
                count = JSON.readTree(in).path("results").get(0).path("completion_tokens").asInt();
            }
            return new Sample((System.nanoTime() - started) / 1e9, 0, count, false);
        }
        HttpURLConnection response = post("/api/extra/generate/stream", body.toString());
        if (response.getResponseCode() != 200) {
            discard(response);
            return new Sample(0, 0, 0, true);
        }
        double first = -1;
        boolean complete = false;
        try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(response.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                if (!line.startsWith("data:")) {
                    continue;
                }
                if (line.contains("\"finish_reason\"")) {
                    complete = line.contains("\"length\"");
                } else if (first < 0) {
                    first = (System.nanoTime() - started) / 1e9;
                }
            }
        }
        // EOS is banned, so a stream that ends for length carried exactly the tokens asked for
        // (events may carry several tokens each, so they are not counted)
        return new Sample((System.nanoTime() - started) / 1e9, first, complete ? tokens : 0, !complete);
    }

    private static double percentile(List<Double> sorted, int p) {
        if (sorted.isEmpty()) {
            return 0;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

}
