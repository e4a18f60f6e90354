package koboldj.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * One txt2img job (Euler a, CFG 7: each step is one UNet batch of cond + uncond) on a server that
 * bench/image started, watched through {@code /sdapi/v1/progress} and the server's {@code /proc}
 * entries: seconds per sampling step (after the first, which also encodes the prompt and describes
 * the graph), the VAE decode (from the last step to the answer, PNG encoding included), the whole
 * job, the server's peak RSS and its thread count. The machine may be shared, so the server's CPU
 * seconds per step are printed too: divided by the threads, they are what an idle machine's wall
 * time would be.
 *
 * <p>Usage: {@code ImageBenchmark URL SERVER_PID SIDE STEPS THREADS}
 */
public final class ImageBenchmark {
    private static final long POLL_MILLIS = 20;

    private ImageBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        URI base = URI.create(args[0]);
        long pid = Long.parseLong(args[1]);
        int side = Integer.parseInt(args[2]);
        int steps = Integer.parseInt(args[3]);
        int threads = Integer.parseInt(args[4]);
        if (steps < 2) {
            throw new IllegalArgumentException("at least 2 steps: the first is not a plain sampling step");
        }
        HttpClient http = HttpClient.newHttpClient();
        ObjectMapper json = new ObjectMapper();
        String body = json.createObjectNode().put("prompt", "a lighthouse on a cliff at dusk, oil painting")
                .put("negative_prompt", "blurry").put("width", side).put("height", side).put("steps", steps)
                .put("cfg_scale", 7).put("sampler_name", "Euler a").put("seed", 1).toString();
        double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();

        long started = System.nanoTime();
        double cpuStarted = cpuSeconds(pid);
        CompletableFuture<HttpResponse<String>> job = http.sendAsync(HttpRequest.newBuilder(base.resolve("/sdapi/v1/txt2img"))
                .timeout(Duration.ofHours(2)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        // when each step was first seen done, in wall and server CPU seconds since the request
        double[] stepWall = new double[steps + 1];
        double[] stepCpu = new double[steps + 1];
        int seen = 0;
        while (!job.isDone()) {
            int step = json.readTree(http.send(HttpRequest.newBuilder(base.resolve("/sdapi/v1/progress")).build(),
                    HttpResponse.BodyHandlers.ofString()).body()).path("state").path("sampling_step").asInt();
            double wall = (System.nanoTime() - started) / 1e9;
            double cpu = cpuSeconds(pid) - cpuStarted;
            for (int s = seen + 1; s <= Math.min(step, steps); s++) {
                stepWall[s] = wall;
                stepCpu[s] = cpu;
            }
            seen = Math.max(seen, Math.min(step, steps));
            Thread.sleep(POLL_MILLIS);
        }
        HttpResponse<String> answer = job.get();
        double whole = (System.nanoTime() - started) / 1e9;
        double wholeCpu = cpuSeconds(pid) - cpuStarted;
        if (answer.statusCode() != 200) {
            throw new IllegalStateException("txt2img answered " + answer.statusCode() + ": " + answer.body());
        }
        JsonNode images = json.readTree(answer.body()).path("images");
        if (!images.isArray() || images.isEmpty() || seen < steps) {
            throw new IllegalStateException("no image, or steps not seen (" + seen + " of " + steps + ")");
        }
        double perStep = (stepWall[steps] - stepWall[1]) / (steps - 1);
        double cpuPerStep = (stepCpu[steps] - stepCpu[1]) / (steps - 1);
        double decode = whole - stepWall[steps];
        double decodeCpu = wholeCpu - stepCpu[steps];
        System.out.printf(Locale.ROOT, "%dx%d, %d steps Euler a (cond+uncond), %d threads, server threads %d%n", side, side,
                steps, threads, status(pid, "Threads:"));
        System.out.printf(Locale.ROOT, "  sampling step   %7.2f s wall  (%7.2f s CPU = %6.2f s per thread)%n", perStep,
                cpuPerStep, cpuPerStep / threads);
        System.out.printf(Locale.ROOT, "  first step      %7.2f s wall  (prompt encoding and graph description included)%n",
                stepWall[1]);
        System.out.printf(Locale.ROOT, "  VAE decode      %7.2f s wall  (%7.2f s CPU = %6.2f s per thread; PNG included)%n",
                decode, decodeCpu, decodeCpu / threads);
        System.out.printf(Locale.ROOT, "  whole job       %7.2f s wall  (%7.2f s CPU)%n", whole, wholeCpu);
        System.out.printf(Locale.ROOT, "  server peak RSS %7.0f MB%n", status(pid, "VmHWM:") / 1024.0);
        System.out.printf(Locale.ROOT, "  load average    %.1f before, %.1f after (%d cores)%n", loadBefore,
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), Runtime.getRuntime().availableProcessors());
    }

    /** utime + stime of the process, from /proc/PID/stat (fields 14 and 15, in clock ticks of 1/100 s). */
    private static double cpuSeconds(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
    }

    /** A number from /proc/PID/status, such as "VmHWM:" (kB) or "Threads:". */
    private static long status(long pid, String key) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith(key)) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        throw new IllegalStateException(key + " is not in /proc/" + pid + "/status");
    }
}
