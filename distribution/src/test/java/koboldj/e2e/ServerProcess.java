package koboldj.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A koboldj server started the way a user starts it: {@code bin/koboldj [flags]} as a separate
 * process, on a free port. Its output is kept for assertions and shown when a test fails.
 */
public final class ServerProcess implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    private final Process process;
    private final int port;
    private final List<String> output = new CopyOnWriteArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private ServerProcess(Process process, int port) {
        this.process = process;
        this.port = port;
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    output.add(line);
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "koboldj-output-" + port);
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code bin/koboldj --port <free> args...} and waits until it says it is serving. */
    public static ServerProcess start(String... args) throws IOException, InterruptedException {
        int port = freePort();
        List<String> command = new ArrayList<>(List.of(script().toString(), "--port", String.valueOf(port)));
        command.addAll(List.of(args));
        ServerProcess server = new ServerProcess(launch(command), port);
        server.awaitServing();
        return server;
    }

    /**
     * Starts {@code wrapper... bin/koboldj --port <free> args...} and waits until it serves: for a
     * server run in a changed environment, by a command that ends by running its arguments.
     */
    public static ServerProcess startWrapped(List<String> wrapper, String... args) throws IOException, InterruptedException {
        int port = freePort();
        List<String> command = new ArrayList<>(wrapper);
        command.addAll(List.of(script().toString(), "--port", String.valueOf(port)));
        command.addAll(List.of(args));
        ServerProcess server = new ServerProcess(launch(command), port);
        server.awaitServing();
        return server;
    }

    /**
     * Starts {@code bin/koboldj --port <free> args...} and returns at once, before it serves, for
     * tests of what a client meets from the first moment; {@link #awaitServing()} waits for the rest.
     */
    public static ServerProcess launch(String... args) throws IOException {
        int port = freePort();
        List<String> command = new ArrayList<>(List.of(script().toString(), "--port", String.valueOf(port)));
        command.addAll(List.of(args));
        return new ServerProcess(launch(command), port);
    }

    /** Starts {@code bin/koboldj --model <the test model> flags...} and waits until the model serves. */
    public static ServerProcess withTextModel(String... flags) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("--model", TestModel.path()));
        args.addAll(List.of(flags));
        ServerProcess server = start(args.toArray(String[]::new));
        server.awaitTextModel();
        return server;
    }

    /** Starts {@code bin/koboldj args...} whose flags or config file choose {@code port}. */
    public static ServerProcess startOn(int port, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(script().toString()));
        command.addAll(List.of(args));
        ServerProcess server = new ServerProcess(launch(command), port);
        server.awaitServing();
        return server;
    }

    /** Runs {@code bin/koboldj args...} to completion (for flags that end it at once). */
    public static Finished run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(script().toString()));
        command.addAll(List.of(args));
        Process process = launch(command);
        String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("bin/koboldj " + args + " did not end");
        }
        return new Finished(process.exitValue(), text);
    }

    public record Finished(int exitCode, String output) {
    }

    private static Process launch(List<String> command) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("KOBOLDJ_SKIP_BUILD", "1");
        return builder.start();
    }

    private static Path script() {
        return root().resolve("bin/koboldj");
    }

    /** The built installation bin/koboldj starts. */
    static Path installation() {
        return root().resolve("distribution/target/koboldj");
    }

    private static Path root() {
        return Path.of(System.getProperty("koboldj.root", "..")).toAbsolutePath().normalize();
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Waits until the server says it is serving (its port is then open). */
    public void awaitServing() throws InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (output.stream().anyMatch(line -> line.contains("koboldj is serving at"))) {
                return;
            }
            if (!process.isAlive()) {
                throw new AssertionError("bin/koboldj ended with " + process.exitValue() + ":\n" + output());
            }
            Thread.sleep(20);
        }
        close();
        throw new AssertionError("bin/koboldj did not start serving in " + START_TIMEOUT + ":\n" + output());
    }

    /** Types a line on the server's standard input (the Gogo shell reads it with --shell). */
    public void type(String line) throws IOException {
        process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().flush();
    }

    /** Leaves the server's output in target/e2e-logs for a look after a failure. */
    private void keepLog() {
        try {
            Path folder = Path.of("target", "e2e-logs");
            java.nio.file.Files.createDirectories(folder);
            java.nio.file.Files.writeString(folder.resolve("server-" + port + ".log"), output());
        } catch (IOException e) {
            // a missing log must not fail the test
        }
    }

    /**
     * Waits until the text model serves: the llm flag turns on when the model is loaded, and
     * its routes answer a moment later, once the REST whiteboard has added them.
     */
    public void awaitTextModel() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (get("/api/v1/model").statusCode() == 200 && get("/v1/models").statusCode() == 200) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the text model did not come up:\n" + output());
    }

    /** Whether {@code /api/extra/version} reports {@code capability} loaded within {@code millis}. */
    public boolean offers(String capability, long millis) throws Exception {
        return PlatformE2EIT.within(millis, () -> PlatformE2EIT.json(get("/api/extra/version")).path(capability).asBoolean());
    }

    /** Whether {@code /api/extra/version} stops reporting {@code capability} within {@code millis}. */
    public boolean withdraws(String capability, long millis) throws Exception {
        return PlatformE2EIT.within(millis, () -> !PlatformE2EIT.json(get("/api/extra/version")).path(capability).asBoolean());
    }

    public HttpClient http() {
        return http;
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The server's resident memory now (VmRSS), in MB. */
    public long residentMegabytes() throws IOException {
        return statusMegabytes("VmRSS");
    }

    /** The most resident memory the server has had (VmHWM), in MB. */
    public long peakResidentMegabytes() throws IOException {
        return statusMegabytes("VmHWM");
    }

    private long statusMegabytes(String field) throws IOException {
        Path status = Path.of("/proc", String.valueOf(pid()), "status");
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
            }
        }
        throw new AssertionError("no " + field + " in " + status);
    }

    /** The exit code of the ended process. */
    public int exitCode() {
        return process.exitValue();
    }

    public String output() {
        return String.join("\n", output);
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    public HttpResponse<String> get(String path, String... headers) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).GET(), headers);
    }

    public HttpResponse<String> post(String path, String body, String... headers) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json"), headers);
    }

    public HttpResponse<String> send(HttpRequest.Builder request, String... headers) throws IOException, InterruptedException {
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        keepLog();
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
