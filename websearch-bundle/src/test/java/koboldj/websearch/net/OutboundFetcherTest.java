package koboldj.websearch.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import koboldj.websearch.LocalSite;

/**
 * The fetcher against web sites on 127.0.0.1. The refused addresses (private, link-local, ...) are
 * refused before any connection; only loopback is ever connected to.
 */
class OutboundFetcherTest {
    private static final Predicate<String> HTML = type -> type.equals("text/html");
    private static final FetchLimits LIMITS = new FetchLimits(Duration.ofSeconds(2), Duration.ofSeconds(2), 64 * 1024, 4, 3,
            FetchLimits.USER_AGENT);

    private LocalSite site;
    private LocalSite other;

    @BeforeEach
    void start() throws Exception {
        site = new LocalSite();
        other = new LocalSite().page("/secret", "text/html", "<p>internal</p>");
    }

    @AfterEach
    void stop() {
        site.close();
        other.close();
    }

    private static FetchFailure failure(OutboundFetcher fetcher, URI uri) {
        return assertThrows(FetchException.class, () -> fetcher.fetch(uri, "text/html", HTML)).failure();
    }

    @Test
    void readsAPageAndNamesKoboldjAsItsClient() throws Exception {
        site.page("/page", "text/html; charset=ISO-8859-1", "<p>caf\u00e9</p>");
        try (OutboundFetcher fetcher = new OutboundFetcher(LIMITS, AddressPolicy.allowingLocal(), Set.of())) {
            FetchedPage page = fetcher.fetch(site.uri("/page"), "text/html", HTML);
            assertEquals("text/html", page.mediaType());
            assertEquals("ISO-8859-1", page.charset().orElseThrow().name());
            assertEquals(site.uri("/page"), page.uri());
        }
        assertTrue(site.requests().getFirst().userAgent().contains("koboldj"), site.requests().toString());
    }

    @Test
    void refusesLoopbackBeforeConnectingUnlessAllowed() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
             OutboundFetcher fetcher = new OutboundFetcher(LIMITS, AddressPolicy.strict(), Set.of())) {
            listener.setSoTimeout(300);
            URI uri = URI.create("http://127.0.0.1:" + listener.getLocalPort() + "/");
            FetchException refused = assertThrows(FetchException.class, () -> fetcher.fetch(uri, "text/html", HTML));
            assertEquals(FetchFailure.REFUSED, refused.failure());
            assertEquals("Not fetching " + uri + ": 127.0.0.1 is a loopback address", refused.getMessage());
            // nothing knocked: accept() times out
            assertThrows(java.net.SocketTimeoutException.class, listener::accept);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://localhost:PORT/secret", "http://[::1]:PORT/secret", "http://0.0.0.0:PORT/secret",
        "http://[::ffff:127.0.0.1]:PORT/secret", "http://127.1:PORT/secret", "http://2130706433:PORT/secret",
        "http://10.0.0.1/", "http://172.16.5.4:8080/", "http://192.168.1.1/", "http://169.254.169.254/latest/meta-data/",
        "http://[fd00::1]/", "http://[fe80::1]/", "http://224.0.0.1/", "http://[::]/"})
    void refusesEveryLocalAddressBeforeAnyConnection(String address) throws Exception {
        URI uri = URI.create(address.replace("PORT", String.valueOf(other.port())));
        long started = System.nanoTime();
        try (OutboundFetcher fetcher = new OutboundFetcher(LIMITS, AddressPolicy.strict(), Set.of())) {
            FetchException refused = assertThrows(FetchException.class, () -> fetcher.fetch(uri, "text/html", HTML));
            assertEquals(FetchFailure.REFUSED, refused.failure(), refused.getMessage());
        }
        assertTrue(System.nanoTime() - started < Duration.ofSeconds(1).toNanos(), "refused at once, no connect timeout");
        assertEquals(List.of(), other.requests());
    }

    @Test
    void theTrustedOriginIsAllowedButItsRedirectsAreCheckedOnEveryHop() throws Exception {
        site.page("/engine", "text/html", "<p>results</p>")
                .redirect("/to-loopback", 302, other.uri("/secret").toString())
                .redirect("/to-ipv6-loopback", 307, "http://[::1]:" + other.port() + "/secret")
                .redirect("/to-local-name", 301, "http://localhost:" + other.port() + "/secret")
                .redirect("/hop", 302, "/to-loopback");
        try (OutboundFetcher fetcher = new OutboundFetcher(LIMITS, AddressPolicy.strict(), Set.of(Origin.of(site.uri("/"))))) {
            assertEquals("text/html", fetcher.fetch(site.uri("/engine"), "text/html", HTML).mediaType());
            for (String path : List.of("/to-loopback", "/to-ipv6-loopback", "/to-local-name", "/hop")) {
                assertEquals(FetchFailure.REFUSED, failure(fetcher, site.uri(path)), path);
            }
        }
        assertEquals(List.of(), other.requests(), "no redirect reached the other site");
    }

    @Test
    void followsRedirectsWhenAllowedAndStopsLoops() throws Exception {
        site.redirect("/a", 301, "/b").redirect("/b", 303, other.uri("/secret").toString())
                .redirect("/loop", 302, "/loop").redirect("/nowhere", 302, "")
                .redirect("/file", 302, "file:///etc/passwd");
        try (OutboundFetcher fetcher = new OutboundFetcher(LIMITS, AddressPolicy.allowingLocal(), Set.of())) {
            FetchedPage page = fetcher.fetch(site.uri("/a"), "text/html", HTML);
            assertEquals(other.uri("/secret"), page.uri());
            assertEquals("<p>internal</p>", new String(page.body(), StandardCharsets.UTF_8));
            FetchException loop = assertThrows(FetchException.class, () -> fetcher.fetch(site.uri("/loop"), "text/html", HTML));
            assertEquals(FetchFailure.HTTP_ERROR, loop.failure());
            assertTrue(loop.getMessage().contains("redirects more than 3 times"), loop.getMessage());
            assertEquals(FetchFailure.HTTP_ERROR, failure(fetcher, site.uri("/nowhere")));
            assertEquals(FetchFailure.REFUSED, failure(fetcher, site.uri("/file")), "only http and https");
        }
    }

    @Test
    void refusesSchemesOtherThanHttpAndHttps() {
        try (OutboundFetcher fetcher = new OutboundFetcher(LIMITS, AddressPolicy.allowingLocal(), Set.of())) {
            for (String address : List.of("file:///etc/passwd", "ftp://127.0.0.1/x", "gopher://127.0.0.1/", "jar:file:/x!/y")) {
                assertEquals(FetchFailure.REFUSED, failure(fetcher, URI.create(address)), address);
            }
        }
    }

    @Test
    void capsTheBodyWhetherItsLengthIsDeclaredOrNot() throws Exception {
        String big = "x".repeat(200 * 1024);
        site.page("/declared", "text/html", big).handle("/chunked", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "text/html");
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                for (int i = 0; i < 10_000; i++) {
                    out.write(new byte[1024]);
                }
            }
        });
        try (OutboundFetcher fetcher = new OutboundFetcher(LIMITS, AddressPolicy.allowingLocal(), Set.of())) {
            assertEquals(FetchFailure.TOO_LARGE, failure(fetcher, site.uri("/declared")));
            long started = System.nanoTime();
            assertEquals(FetchFailure.TOO_LARGE, failure(fetcher, site.uri("/chunked")));
            assertTrue(System.nanoTime() - started < Duration.ofSeconds(2).toNanos(), "stops reading at the cap");
        }
    }

    @Test
    void readsOnlyTheTypesAskedFor() throws Exception {
        site.page("/pdf", "application/pdf", "%PDF-1.7").page("/none", "", "?").page("/broken", "text/", "?");
        try (OutboundFetcher fetcher = new OutboundFetcher(LIMITS, AddressPolicy.allowingLocal(), Set.of())) {
            assertEquals(FetchFailure.UNSUPPORTED_TYPE, failure(fetcher, site.uri("/pdf")));
            assertEquals(FetchFailure.UNSUPPORTED_TYPE, failure(fetcher, site.uri("/none")));
            assertEquals(FetchFailure.UNSUPPORTED_TYPE, failure(fetcher, site.uri("/broken")));
        }
    }

    @Test
    void errorsAndDownSitesAreFailuresThatSaySo() throws Exception {
        site.handle("/gone", exchange -> LocalSite.send(exchange, 404, "text/html", "not here"));
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        try (OutboundFetcher fetcher = new OutboundFetcher(LIMITS, AddressPolicy.allowingLocal(), Set.of())) {
            FetchException gone = assertThrows(FetchException.class, () -> fetcher.fetch(site.uri("/gone"), "text/html", HTML));
            assertEquals(FetchFailure.HTTP_ERROR, gone.failure());
            assertEquals(404, gone.status());
            assertEquals(FetchFailure.UNREACHABLE, failure(fetcher, URI.create("http://127.0.0.1:" + closedPort + "/")));
        }
    }

    @Test
    void aSilentOrTricklingServerIsCutOffAtTheDeadline() throws Exception {
        site.handle("/silent", exchange -> sleep(10_000)).handle("/trickle", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "text/html");
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                for (int i = 0; i < 100; i++) {
                    out.write('x');
                    out.flush();
                    sleep(100); // every read returns in time; only the whole is too slow
                }
            }
        });
        FetchLimits quick = LIMITS.withTimeout(Duration.ofMillis(800));
        try (OutboundFetcher fetcher = new OutboundFetcher(quick, AddressPolicy.allowingLocal(), Set.of())) {
            for (String path : List.of("/silent", "/trickle")) {
                long started = System.nanoTime();
                assertEquals(FetchFailure.TIMEOUT, failure(fetcher, site.uri(path)), path);
                long millis = (System.nanoTime() - started) / 1_000_000;
                assertTrue(millis >= 700 && millis < 2_500, path + " took " + millis + " ms");
            }
        }
    }

    @Test
    void boundsTheFetchesInFlight() throws Exception {
        site.slow("/slow", 150, "text/html", exchange -> "<p>done</p>");
        FetchLimits two = new FetchLimits(Duration.ofSeconds(5), Duration.ofSeconds(10), 1024, 2, 0, FetchLimits.USER_AGENT);
        ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor();
        try (OutboundFetcher fetcher = new OutboundFetcher(two, AddressPolicy.allowingLocal(), Set.of())) {
            List<Future<FetchedPage>> pages = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                pages.add(callers.submit(() -> fetcher.fetch(site.uri("/slow"), "text/html", HTML)));
            }
            for (Future<FetchedPage> page : pages) {
                assertEquals("text/html", page.get().mediaType());
            }
        } finally {
            callers.shutdownNow();
        }
        assertEquals(10, site.requests().size());
        assertTrue(site.mostInFlight() <= 2, "at most 2 at once, saw " + site.mostInFlight());
    }

    @Test
    void waitingForATurnCountsAgainstTheTimeout() throws Exception {
        site.handle("/hold", exchange -> {
            sleep(1_500);
            LocalSite.send(exchange, 200, "text/html", "late");
        });
        FetchLimits one = new FetchLimits(Duration.ofMillis(500), Duration.ofMillis(500), 1024, 1, 0, FetchLimits.USER_AGENT);
        ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor();
        try (OutboundFetcher fetcher = new OutboundFetcher(one, AddressPolicy.allowingLocal(), Set.of())) {
            Future<FetchFailure> first = callers.submit(() -> failure(fetcher, site.uri("/hold")));
            Thread.sleep(100);
            FetchException waiting = assertThrows(FetchException.class, () -> fetcher.fetch(site.uri("/hold"), "text/html", HTML));
            assertEquals(FetchFailure.TIMEOUT, waiting.failure());
            assertEquals(FetchFailure.TIMEOUT, first.get());
        } finally {
            callers.shutdownNow();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
