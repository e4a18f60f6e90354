package koboldj.websearch.net;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.Charset;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpHeaders;

/**
 * Fetches http and https addresses within {@link FetchLimits}: a turn among at most
 * {@code maxConcurrent} fetches, one deadline for the whole fetch (enforced by aborting the
 * connection, so a server that trickles bytes cannot hold it), a cap on the body, and redirects
 * followed one by one with every hop checked again. Addresses of {@code trusted} origins (the
 * search engine the operator configured) are always allowed; every other address goes through the
 * {@link AddressPolicy}, before DNS and at the socket. Safe for many threads.
 */
public final class OutboundFetcher implements AutoCloseable {
    private final FetchLimits limits;
    private final Set<Origin> trusted;
    private final CloseableHttpClient checkedClient;
    private final CloseableHttpClient trustedClient;
    private final Semaphore turns;
    private final ScheduledExecutorService deadlines;

    public OutboundFetcher(FetchLimits limits, AddressPolicy policy, Set<Origin> trusted) {
        this.limits = limits;
        this.trusted = Set.copyOf(trusted);
        this.checkedClient = OutboundClients.create(policy, limits);
        this.trustedClient = trusted.isEmpty() ? checkedClient : OutboundClients.create(AddressPolicy.allowingLocal(), limits);
        this.turns = new Semaphore(limits.maxConcurrent(), true);
        this.deadlines = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("koboldj-websearch-deadlines").factory());
    }

    public FetchLimits limits() {
        return limits;
    }

    /**
     * The body at {@code uri}, when its media type is one {@code readable} accepts.
     *
     * @param accept the Accept header to send
     * @throws FetchException saying why there is no page; nothing is sent to a refused address
     */
    public FetchedPage fetch(URI uri, String accept, Predicate<String> readable) throws FetchException {
        long deadline = System.nanoTime() + limits.timeout().toNanos();
        takeTurn(uri, deadline);
        try {
            URI current = uri;
            for (int redirects = 0;; redirects++) {
                checkScheme(current);
                Exchange exchange = exchange(current, accept, readable, deadline);
                if (exchange.page() != null) {
                    return exchange.page();
                }
                if (redirects == limits.maxRedirects()) {
                    throw new FetchException(FetchFailure.HTTP_ERROR, uri + " redirects more than " + limits.maxRedirects() + " times");
                }
                current = exchange.redirect();
            }
        } finally {
            turns.release();
        }
    }

    private void takeTurn(URI uri, long deadline) throws FetchException {
        try {
            if (!turns.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                throw new FetchException(FetchFailure.TIMEOUT, "No turn to fetch " + uri + " within " + seconds()
                        + ": too many fetches at once");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FetchException(FetchFailure.TIMEOUT, "Fetching " + uri + " was interrupted");
        }
    }

    private static void checkScheme(URI uri) throws FetchException {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new FetchException(FetchFailure.REFUSED, uri + " is not an http or https address");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new FetchException(FetchFailure.REFUSED, uri + " names no host");
        }
    }

    /** One request: a page, or where it redirects to. */
    private record Exchange(FetchedPage page, URI redirect) {
    }

    private Exchange exchange(URI uri, String accept, Predicate<String> readable, long deadline) throws FetchException {
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
            throw timeout(uri);
        }
        HttpGet request = new HttpGet(uri);
        request.setHeader(HttpHeaders.ACCEPT, accept);
        CloseableHttpClient client = trusted.contains(Origin.of(uri)) ? trustedClient : checkedClient;
        // aborting the connection at the deadline ends a wait in connect, TLS, headers or body alike
        ScheduledFuture<?> alarm = deadlines.schedule(request::cancel, remaining, TimeUnit.NANOSECONDS);
        ClassicHttpResponse response = null;
        try {
            response = client.executeOpen(null, request, null);
            return read(uri, response, readable);
        } catch (FetchException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw failure(uri, e, deadline);
        } finally {
            alarm.cancel(false);
            // never let closing drain a body that was not read (a huge page, a redirect's body)
            request.cancel();
            closeQuietly(response);
        }
    }

    private Exchange read(URI uri, ClassicHttpResponse response, Predicate<String> readable) throws IOException {
        int status = response.getCode();
        if (status == 301 || status == 302 || status == 303 || status == 307 || status == 308) {
            Header location = response.getFirstHeader(HttpHeaders.LOCATION);
            if (location == null || location.getValue().isBlank()) {
                throw new FetchException(FetchFailure.HTTP_ERROR, uri + " redirects without saying where");
            }
            try {
                return new Exchange(null, uri.resolve(location.getValue().strip()));
            } catch (IllegalArgumentException e) {
                throw new FetchException(FetchFailure.HTTP_ERROR, uri + " redirects to an unusable address");
            }
        }
        if (status < 200 || status >= 300) {
            throw new FetchException(FetchFailure.HTTP_ERROR, uri.getHost() + " answered HTTP " + status + " for " + uri, status);
        }
        HttpEntity entity = response.getEntity();
        if (entity == null) {
            throw new FetchException(FetchFailure.HTTP_ERROR, uri.getHost() + " answered without a body for " + uri);
        }
        ContentType type = ContentType.parseLenient(entity.getContentType());
        String mediaType = type == null || type.getMimeType() == null ? "" : type.getMimeType().toLowerCase(Locale.ROOT);
        if (!readable.test(mediaType)) {
            throw new FetchException(FetchFailure.UNSUPPORTED_TYPE, uri + " is "
                    + (mediaType.isEmpty() ? "of no stated type" : mediaType) + ", which the web search does not read");
        }
        if (entity.getContentLength() > limits.maxBytes()) {
            throw tooLarge(uri);
        }
        Optional<Charset> charset = Optional.ofNullable(type == null ? null : type.getCharset());
        return new Exchange(new FetchedPage(uri, mediaType, charset, readCapped(uri, entity.getContent())), null);
    }

    private byte[] readCapped(URI uri, InputStream content) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        byte[] buffer = new byte[16384];
        int read;
        while ((read = content.read(buffer)) >= 0) {
            if (body.size() + (long) read > limits.maxBytes()) {
                throw tooLarge(uri);
            }
            body.write(buffer, 0, read);
        }
        return body.toByteArray();
    }

    private FetchException failure(URI uri, Throwable thrown, long deadline) {
        for (Throwable cause = thrown; cause != null; cause = cause.getCause()) {
            if (cause instanceof RefusedAddressException refused) {
                return new FetchException(FetchFailure.REFUSED, "Not fetching " + uri + ": " + refused.getMessage());
            }
        }
        if (System.nanoTime() - deadline >= 0 || thrown instanceof SocketTimeoutException
                || thrown instanceof InterruptedIOException) {
            return timeout(uri);
        }
        String reason = thrown.getMessage() == null ? thrown.getClass().getSimpleName() : thrown.getMessage();
        return new FetchException(FetchFailure.UNREACHABLE, uri.getHost() + " could not be reached: " + reason);
    }

    private FetchException timeout(URI uri) {
        return new FetchException(FetchFailure.TIMEOUT, uri + " did not answer within " + seconds());
    }

    private FetchException tooLarge(URI uri) {
        return new FetchException(FetchFailure.TOO_LARGE, uri + " is larger than " + (limits.maxBytes() / 1024) + " KB");
    }

    private String seconds() {
        long millis = limits.timeout().toMillis();
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis / 1000.0 + " s";
    }

    @Override
    public void close() {
        deadlines.shutdownNow();
        closeQuietly(checkedClient);
        if (trustedClient != checkedClient) {
            closeQuietly(trustedClient);
        }
    }

    private static void closeQuietly(Closeable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (IOException e) {
            // nothing is waiting for it
        }
    }
}
