package koboldj.websearch;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;

/**
 * A web site on 127.0.0.1 for tests: pages, redirects and misbehaving answers at chosen paths, and
 * a record of every request it got (so a test can show that a refused fetch never reached it).
 */
public final class LocalSite implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final List<HttpExchangeRecord> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger mostInFlight = new AtomicInteger();

    /** What the site saw of one request. */
    public record HttpExchangeRecord(String method, URI uri, String userAgent) {
    }

    public LocalSite() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.setExecutor(threads);
        server.start();
    }

    /** Serves {@code body} with {@code contentType} at {@code path}. */
    public LocalSite page(String path, String contentType, String body) {
        return handle(path, exchange -> send(exchange, 200, contentType, body));
    }

    /** Answers {@code path} with a redirect to {@code location}. */
    public LocalSite redirect(String path, int status, String location) {
        return handle(path, exchange -> {
            exchange.getResponseHeaders().add("Location", location);
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
    }

    public LocalSite handle(String path, HttpHandler handler) {
        server.createContext(path, exchange -> {
            requests.add(new HttpExchangeRecord(exchange.getRequestMethod(), exchange.getRequestURI(),
                    exchange.getRequestHeaders().getFirst("User-Agent")));
            try {
                handler.handle(exchange);
            } catch (IOException e) {
                // the client went away (a refused size, a deadline): nothing to answer
            } finally {
                exchange.close();
            }
        });
        return this;
    }

    /**
     * Answers {@code path} after {@code millis}, counting the requests that wait at once (see
     * {@link #mostInFlight}). A request stops counting before its answer is sent, so a client that
     * starts its next request only once an answer is read is never counted twice.
     */
    public LocalSite slow(String path, long millis, String contentType, Function<HttpExchange, String> body) {
        return handle(path, exchange -> {
            mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                inFlight.decrementAndGet();
            }
            send(exchange, 200, contentType, body.apply(exchange));
        });
    }

    public static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port() + path);
    }

    public List<HttpExchangeRecord> requests() {
        return List.copyOf(requests);
    }

    /** The most requests that waited in {@link #slow} handlers at one time. */
    public int mostInFlight() {
        return mostInFlight.get();
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
