package koboldj.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A soak of a running server: clients send a mix of everyday and hostile requests
 * ({@link SoakTraffic}) for a bounded time, then the server is left idle for a moment. Reports
 * the answers by status per kind of request, hangs (no answer within the timeout), resets, and
 * the server's resident memory (VmRSS) sampled every second. Loopback only: it is load and
 * hostile input, meant for one's own machine.
 *
 * <p>Exits 1 when a request hung or was reset, an answer was not what its kind should get, or the
 * server stopped answering.
 *
 * <p>Usage: {@code Soak URL SECONDS CLIENTS HANG_SECONDS [SERVER_PID]}
 */
public final class Soak {
    private static final long IDLE_MILLIS = 5_000;
    private static final long REPORT_EVERY_MILLIS = 5_000;

    private final URI base;
    private final int hangMillis;
    private final SoakTraffic traffic = new SoakTraffic();
    private final SoakTally tally = new SoakTally();
    private final AtomicLong sent = new AtomicLong();

    private Soak(URI base, int hangMillis) {
        this.base = base;
        this.hangMillis = hangMillis;
    }

    public static void main(String[] args) throws Exception {
        // a POST that failed is an outcome to count, not one for HttpURLConnection to send again
        System.setProperty("sun.net.http.retryPost", "false");
        System.setProperty("http.maxConnections", "64");
        URI base = URI.create(args[0]);
        if (!InetAddress.getByName(base.getHost()).isLoopbackAddress()) {
            System.err.println("soak: " + base + " is not a loopback address; the soak only runs against this machine");
            System.exit(2);
        }
        long seconds = Long.parseLong(args[1]);
        int clients = Integer.parseInt(args[2]);
        int hangSeconds = Integer.parseInt(args[3]);
        long pid = args.length > 4 ? Long.parseLong(args[4]) : -1;
        Soak soak = new Soak(base, hangSeconds * 1000);
        System.exit(soak.run(seconds, clients, pid) ? 0 : 1);
    }

    private boolean run(long seconds, int clients, long pid) throws InterruptedException {
        List<long[]> rss = new CopyOnWriteArrayList<>();
        long started = System.currentTimeMillis();
        Thread sampler = Thread.ofPlatform().daemon().start(() -> sampleResidentMemory(pid, started, rss));
        long deadline = started + seconds * 1000;
        System.out.printf("soak: %d clients for %d s against %s (hang after %d s)%n", clients, seconds, base, hangMillis / 1000);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            threads.add(Thread.ofPlatform().name("soak-client-" + i).start(() -> {
                while (System.currentTimeMillis() < deadline) {
                    SoakTraffic.Kind kind = traffic.next();
                    long begun = System.nanoTime();
                    String outcome = send(kind);
                    tally.record(kind, outcome, (System.nanoTime() - begun) / 1_000_000);
                    sent.incrementAndGet();
                }
            }));
        }
        for (Thread thread : threads) {
            // each request ends by the hang timeout, so a client ends soon after the deadline
            thread.join(Math.max(1, deadline - System.currentTimeMillis()) + 2L * hangMillis + 10_000);
        }
        long loadEnded = System.currentTimeMillis();
        Thread.sleep(IDLE_MILLIS);
        sampler.interrupt();
        boolean alive = answers("/api/extra/version");
        System.out.println();
        System.out.print(tally.table());
        long hangs = tally.count(SoakTally.HANG);
        long resets = tally.count(SoakTally.RESET);
        long unexpected = tally.unexpected();
        System.out.printf("hangs: %d, resets: %d, unexpected answers: %d, server answering afterwards: %s%n", hangs, resets,
                unexpected, alive ? "yes" : "NO");
        tally.notes().forEach(note -> System.out.println("  reset: " + note));
        printResidentMemory(rss, loadEnded - started);
        return alive && hangs == 0 && resets == 0 && unexpected == 0 && threads.stream().noneMatch(Thread::isAlive);
    }

    /** Sends one request and reads its answer to the end: its status, or hang or reset. */
    private String send(SoakTraffic.Kind kind) {
        HttpURLConnection connection = null;
        try {
            connection = (HttpURLConnection) base.resolve(kind.path()).toURL().openConnection();
            connection.setConnectTimeout(5_000);
            connection.setReadTimeout(hangMillis);
            connection.setRequestMethod(kind.method());
            if (kind.body() != null) {
                connection.setDoOutput(true);
                connection.setFixedLengthStreamingMode(kind.body().length);
                connection.setRequestProperty("Content-Type", kind.contentType());
                try (OutputStream out = connection.getOutputStream()) {
                    out.write(kind.body());
                } catch (IOException e) {
                    // a server may answer a refused body before reading all of it, and close
                    if (e instanceof SocketTimeoutException) {
                        return SoakTally.HANG;
                    }
                }
            }
            int status = connection.getResponseCode();
            try (InputStream in = status >= 400 ? connection.getErrorStream() : connection.getInputStream()) {
                if (in != null) {
                    in.transferTo(OutputStream.nullOutputStream());
                }
            }
            return String.valueOf(status);
        } catch (SocketTimeoutException e) {
            return SoakTally.HANG;
        } catch (ConnectException e) {
            return "refused";
        } catch (IOException e) {
            tally.note(kind.name() + ": " + e);
            return SoakTally.RESET;
        } finally {
            if (connection != null && kind.body() != null && kind.body().length > 1024 * 1024) {
                connection.disconnect(); // the server closes after refusing a large body anyway
            }
        }
    }

    private boolean answers(String path) {
        try {
            HttpURLConnection connection = (HttpURLConnection) base.resolve(path).toURL().openConnection();
            connection.setConnectTimeout(5_000);
            connection.setReadTimeout(10_000);
            try (InputStream in = connection.getInputStream()) {
                in.transferTo(OutputStream.nullOutputStream());
            }
            return connection.getResponseCode() == 200;
        } catch (IOException e) {
            return false;
        }
    }

    /** Every second: [milliseconds since the start, VmRSS in MB]; progress every few seconds. */
    private void sampleResidentMemory(long pid, long started, List<long[]> samples) {
        long nextReport = started + REPORT_EVERY_MILLIS;
        while (!Thread.currentThread().isInterrupted()) {
            long now = System.currentTimeMillis();
            long megabytes = pid > 0 ? residentMegabytes(pid) : -1;
            samples.add(new long[] {now - started, megabytes});
            if (now >= nextReport) {
                System.out.printf("  %4d s: %6d requests, %s%n", (now - started) / 1000, sent.get(),
                        megabytes < 0 ? "RSS unknown" : "RSS " + megabytes + " MB");
                nextReport += REPORT_EVERY_MILLIS;
            }
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static long residentMegabytes(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // the process is gone: reported as unknown
        }
        return -1;
    }

    private static void printResidentMemory(List<long[]> samples, long loadMillis) {
        List<long[]> known = samples.stream().filter(s -> s[1] >= 0).toList();
        if (known.isEmpty()) {
            System.out.println("RSS: not sampled (give the server's pid to see it)");
            return;
        }
        long max = known.stream().mapToLong(s -> s[1]).max().orElse(0);
        long atEnd = known.stream().filter(s -> s[0] <= loadMillis).reduce((a, b) -> b).map(s -> s[1]).orElse(-1L);
        System.out.printf("RSS: %d MB at the start, %d MB at most, %d MB when the load ended, %d MB after %d s idle%n",
                known.getFirst()[1], max, atEnd, known.getLast()[1], TimeUnit.MILLISECONDS.toSeconds(IDLE_MILLIS));
        StringBuilder series = new StringBuilder("RSS over time (s:MB):");
        for (int i = 0; i < known.size(); i += Math.max(1, known.size() / 24)) {
            series.append(' ').append(known.get(i)[0] / 1000).append(':').append(known.get(i)[1]);
        }
        System.out.println(series);
    }
}
