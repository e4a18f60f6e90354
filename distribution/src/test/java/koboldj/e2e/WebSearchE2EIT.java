package koboldj.e2e;

import static koboldj.e2e.PlatformE2EIT.error;
import static koboldj.e2e.PlatformE2EIT.json;
import static koboldj.e2e.PlatformE2EIT.within;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The web search against the real process, with a search engine and the sites its results link to
 * served by this test on 127.0.0.1 ({@link FakeWeb}); nothing here reaches another machine. The
 * result links to private, link-local and similar addresses are refused before any connection, so
 * no packet goes to them.
 */
class WebSearchE2EIT {
    private static final String[] SHORT_TIMEOUTS = {"--set", "koboldj.websearch.pagetimeoutseconds=2",
        "--set", "koboldj.websearch.enginetimeoutseconds=3"};

    private static String search(String query) {
        return "{\"q\": \"" + query + "\"}";
    }

    /** Waits until the web search route is routed (its bundle is hot-deployed after the server starts). */
    private static void awaitRoute(ServerProcess server) throws Exception {
        assertTrue(within(60_000, () -> server.post("/api/extra/websearch", "{\"q\": \"\"}").statusCode() == 200),
                "the web search route comes up\n" + server.output());
    }

    @Test
    void withoutTheFlagTheRouteAnswers503SayingHowToTurnItOn() throws Exception {
        try (ServerProcess server = ServerProcess.start()) {
            assertFalse(json(server.get("/api/extra/version")).path("websearch").asBoolean());
            JsonNode off = error(server.post("/api/extra/websearch", search("anything")), 503);
            assertTrue(off.path("detail").path("msg").asText().contains("--websearch"), off.toString());
        }
    }

    @Test
    void aSearxngOnLoopbackIsAskedWhileResultLinksToLocalAddressesAreRefused() throws Exception {
        try (FakeWeb web = new FakeWeb()) {
            List<String> args = new ArrayList<>(List.of("--websearch", "--websearchurl", "http://127.0.0.1:" + web.engine.port()));
            args.addAll(List.of(SHORT_TIMEOUTS));
            try (ServerProcess server = ServerProcess.start(args.toArray(String[]::new))) {
                awaitRoute(server);
                assertTrue(json(server.get("/api/extra/version")).path("websearch").asBoolean());

                // the operator's engine on loopback is asked; the local result links are never fetched
                HttpResponse<String> ssrf = server.post("/api/extra/websearch", search("ssrf probe"));
                assertEquals(200, ssrf.statusCode(), ssrf.body());
                assertEquals("[]", ssrf.body());
                assertTrue(web.engine.requests.stream().anyMatch(uri -> uri.toString().equals("/search?q=ssrf+probe&format=json")),
                        web.engine.requests.toString());
                assertTrue(web.engine.userAgents.stream().allMatch(agent -> agent.contains("koboldj")), web.engine.userAgents.toString());
                assertEquals(List.of(), web.pages.requests, "no result page was fetched");
                for (String refusal : List.of("127.0.0.1 is a loopback address", "10.11.12.13 is a private address",
                        "[::1] is a loopback address", "169.254.169.254 is a link-local address",
                        "localhost (127.0.0.1) is a loopback address", "192.168.77.1 is a private address",
                        "[fd00::7] is a private address (unique local)",
                        "[::ffff:127.0.0.1] is a loopback address")) {
                    assertTrue(server.output().contains(refusal), refusal + "\n" + server.output());
                }

                // an engine that fails, stalls, garbles or redirects to a local address: a JSON error, never a hang
                long started = System.nanoTime();
                JsonNode slow = error(server.post("/api/extra/websearch", search("slow engine")), 504);
                long slowMillis = (System.nanoTime() - started) / 1_000_000;
                assertTrue(slowMillis < 6_000, "gave up after " + slowMillis + " ms");
                assertTrue(slow.path("detail").path("msg").asText().contains("did not answer within 3 s"), slow.toString());
                assertTrue(error(server.post("/api/extra/websearch", search("malformed answer")), 502)
                        .path("detail").path("msg").asText().contains("not JSON"));
                error(server.post("/api/extra/websearch", search("down engine")), 502);
                JsonNode redirected = error(server.post("/api/extra/websearch", search("redirect elsewhere")), 502);
                assertTrue(redirected.path("detail").path("msg").asText().contains("is a loopback address"), redirected.toString());
                assertEquals(List.of(), web.elsewhere.requests, "the engine's redirect to another local address was not followed");

                // KoboldCpp's request shape
                assertEquals("[]", server.post("/api/extra/websearch", search("   ")).body());
                assertEquals("q", error(server.post("/api/extra/websearch", "{}"), 400).path("error").path("param").asText());
                error(server.post("/api/extra/websearch", "{\"q\": 42}"), 400);
                error(server.post("/api/extra/websearch", "[1]"), 400);
                assertEquals(200, server.get("/api/extra/version").statusCode());

                removeAndRestoreTheBundle(server);
            }
        }
    }

    /** The web search is a bundle a user may take away and bring back while the server runs. */
    private static void removeAndRestoreTheBundle(ServerProcess server) throws Exception {
        long pid = server.pid();
        try (RuntimeBundles.TakenOut out = RuntimeBundles.takeOut("koboldj.websearch.jar")) {
            assertTrue(server.withdraws("websearch", 15_000),
                    "the capability goes with its bundle\n" + server.output());
            assertTrue(within(15_000, () -> server.post("/api/extra/websearch", search("gone")).statusCode() == 503));
            assertTrue(error(server.post("/api/extra/websearch", search("gone")), 503).path("detail").path("msg").asText()
                    .contains("--websearch"));
        }
        awaitRoute(server);
        assertTrue(server.isAlive());
        assertEquals(pid, server.pid());
    }

    @Test
    void duckDuckGoResultsAreReadSkippedOrKeptAndTwentySearchesRunAtOnce() throws Exception {
        try (FakeWeb web = new FakeWeb()) {
            List<String> args = new ArrayList<>(List.of("--websearch", "--websearchallowlocal",
                    "--set", "koboldj.websearch.duckduckgo.url=" + web.engine.url("/html/"),
                    "--set", "koboldj.websearch.contentchars=200"));
            args.addAll(List.of(SHORT_TIMEOUTS));
            try (ServerProcess server = ServerProcess.start(args.toArray(String[]::new))) {
                awaitRoute(server);

                long started = System.nanoTime();
                HttpResponse<String> answer = server.post("/api/extra/websearch", search("velvet lighthouse"));
                long firstMillis = (System.nanoTime() - started) / 1_000_000;
                JsonNode results = json(answer);
                assertEquals(200, answer.statusCode(), answer.body());
                assertEquals(3, results.size(), results.toPrettyString());
                // the ad is left out; the PDF and the huge page are skipped; the slow page keeps its snippet
                JsonNode article = results.get(0);
                assertEquals("The Velvet Lighthouse", article.path("title").asText());
                assertEquals(web.pages.url("/article"), article.path("url").asText());
                assertEquals("In 1932 the tower was painted a deep red, which gave it ...", article.path("desc").asText());
                // the page's text from the sentence the snippet quotes, cut at a sentence within 200 characters
                String content = article.path("content").asText();
                assertTrue(content.startsWith("In 1932 the tower was painted a deep red"), content);
                assertTrue(content.endsWith("against the snow of long winters.") && content.length() <= 200, content);
                for (String furniture : List.of("cookies", "Home", "Most read", "Share on", "©", "dataLayer", "font-family")) {
                    assertFalse(content.contains(furniture), furniture + " in " + content);
                }
                assertEquals("The harbour", results.get(1).path("title").asText());
                assertEquals("The second page tells of the harbour. It is short.", results.get(1).path("content").asText(),
                        "the redirect was followed");
                assertEquals(web.pages.url("/slow"), results.get(2).path("url").asText());
                assertEquals("", results.get(2).path("content").asText());
                assertEquals("It takes its time.", results.get(2).path("desc").asText());
                assertTrue(firstMillis < 8_000, "took " + firstMillis + " ms");

                int engineCalls = web.engine.requests.size();
                started = System.nanoTime();
                assertEquals(answer.body(), server.post("/api/extra/websearch", search("velvet  lighthouse")).body());
                long cachedMillis = (System.nanoTime() - started) / 1_000_000;
                assertEquals(engineCalls, web.engine.requests.size(), "a recent search is answered from memory");

                JsonNode captcha = error(server.post("/api/extra/websearch", search("captcha please")), 502);
                assertTrue(captcha.path("detail").path("msg").asText().contains("without a result list"), captcha.toString());
                assertEquals("[]", server.post("/api/extra/websearch", search("nothing found")).body());

                started = System.nanoTime();
                assertEquals(3, json(server.post("/api/extra/websearch", search("load alone"))).size());
                long aloneMillis = (System.nanoTime() - started) / 1_000_000;
                long concurrentMillis = twentySearchesAtOnce(server);
                System.out.printf("web search: a search of 3 pages of 100 ms %d ms; with a slow page (2 s timeout) %d ms; "
                        + "cached %d ms; 20 concurrent searches of 3 pages %d ms%n", aloneMillis, firstMillis, cachedMillis,
                        concurrentMillis);
                assertTrue(server.isAlive());
            }
        }
    }

    /** 20 searches at once, each reading 3 pages of 100 ms, while the server keeps answering other requests. */
    private static long twentySearchesAtOnce(ServerProcess server) throws Exception {
        ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger versionAnswers = new AtomicInteger();
        try {
            Future<?> watcher = clients.submit(() -> {
                while (running.get()) {
                    if (server.get("/api/extra/version").statusCode() == 200) {
                        versionAnswers.incrementAndGet();
                    }
                    Thread.sleep(50);
                }
                return null;
            });
            long started = System.nanoTime();
            List<Future<HttpResponse<String>>> searches = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                String query = "load " + i;
                searches.add(clients.submit(() -> server.post("/api/extra/websearch", search(query))));
            }
            for (int i = 0; i < 20; i++) {
                HttpResponse<String> answer = searches.get(i).get(60, TimeUnit.SECONDS);
                assertEquals(200, answer.statusCode(), answer.body());
                JsonNode results = json(answer);
                assertEquals(3, results.size(), answer.body());
                assertEquals("Page " + i + "-a was read.", results.get(0).path("content").asText());
            }
            long millis = (System.nanoTime() - started) / 1_000_000;
            running.set(false);
            watcher.get(10, TimeUnit.SECONDS);
            assertTrue(versionAnswers.get() > 0, "the server answered other requests during the searches");
            return millis;
        } finally {
            running.set(false);
            clients.shutdownNow();
        }
    }
}
