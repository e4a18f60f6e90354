package koboldj.e2e;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;

/**
 * The web as the web-search tests see it, all on 127.0.0.1: a search engine that answers like
 * SearXNG ({@code /search?q=…&format=json}) and like DuckDuckGo's HTML page ({@code /html/?q=…}),
 * the site its results link to, and a site nothing may reach. Each records the requests it got.
 * What the engine answers depends on the query's first word (see {@link #searxng} and
 * {@link #duckDuckGo}).
 */
final class FakeWeb implements AutoCloseable {
    final Site engine = new Site();
    final Site pages = new Site();
    final Site elsewhere = new Site();

    /** One HTTP server on 127.0.0.1 with the requests it got. */
    static final class Site {
        final HttpServer server;
        final List<URI> requests = new CopyOnWriteArrayList<>();
        final List<String> userAgents = new CopyOnWriteArrayList<>();
        private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

        Site() {
            try {
                server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 100);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            server.setExecutor(threads);
            server.start();
        }

        void handle(String path, HttpHandler handler) {
            server.createContext(path, exchange -> {
                requests.add(exchange.getRequestURI());
                userAgents.add(String.valueOf(exchange.getRequestHeaders().getFirst("User-Agent")));
                try {
                    handler.handle(exchange);
                } catch (IOException e) {
                    // the client gave up (a deadline, a size cap): nothing more to send
                } finally {
                    exchange.close();
                }
            });
        }

        int port() {
            return server.getAddress().getPort();
        }

        String url(String path) {
            return "http://127.0.0.1:" + port() + path;
        }

        void close() {
            server.stop(0);
            threads.shutdownNow();
        }
    }

    FakeWeb() {
        engine.handle("/search", this::searxng);
        engine.handle("/html/", this::duckDuckGo);
        pages.handle("/article", exchange -> send(exchange, 200, "text/html; charset=utf-8", ARTICLE));
        pages.handle("/second", exchange -> send(exchange, 200, "text/html",
                "<html><body><nav>Menu</nav><main><p>The second page tells of the harbour. It is short.</p></main></body></html>"));
        pages.handle("/third", exchange -> send(exchange, 200, "text/plain; charset=utf-8", "The third page is plain text."));
        pages.handle("/paper.pdf", exchange -> send(exchange, 200, "application/pdf", "%PDF-1.7 not text"));
        pages.handle("/huge", exchange -> send(exchange, 200, "text/html", "<p>" + "huge ".repeat(700_000) + "</p>"));
        pages.handle("/slow", exchange -> pause(30_000));
        pages.handle("/moved", exchange -> redirect(exchange, "/second"));
        pages.handle("/busy", exchange -> {
            pause(100);
            send(exchange, 200, "text/html", "<p>Page " + exchange.getRequestURI().getQuery() + " was read.</p>");
        });
        elsewhere.handle("/", exchange -> send(exchange, 200, "application/json", "{\"results\": []}"));
    }

    /**
     * SearXNG's JSON API. {@code ssrf}: results on local addresses; {@code slow}: no answer;
     * {@code malformed}: not JSON; {@code down}: the connection drops; {@code redirect}: a redirect
     * to another local port; anything else: no results.
     */
    private void searxng(HttpExchange exchange) throws IOException {
        String query = query(exchange);
        switch (query.split(" ")[0]) {
            case "ssrf" -> send(exchange, 200, "application/json", searxngResults(List.of(
                    pages.url("/article"), "http://10.11.12.13/admin", "http://[::1]:" + pages.port() + "/article",
                    "http://169.254.169.254/latest/meta-data/", "http://localhost:" + pages.port() + "/article",
                    "http://[::ffff:127.0.0.1]:" + pages.port() + "/article", "http://192.168.77.1/", "http://[fd00::7]/")));
            case "slow" -> pause(30_000);
            case "malformed" -> send(exchange, 200, "application/json", "<html><body>Oops, an error page</body></html>");
            case "down" -> exchange.getResponseBody().close(); // closes the connection without an answer
            case "redirect" -> redirect(exchange, elsewhere.url("/search?q=x&format=json"));
            default -> send(exchange, 200, "application/json", "{\"query\": \"" + query + "\", \"results\": []}");
        }
    }

    private static String searxngResults(List<String> urls) {
        StringBuilder json = new StringBuilder("{\"results\": [");
        for (int i = 0; i < urls.size(); i++) {
            json.append(i == 0 ? "" : ",").append("{\"url\": \"").append(urls.get(i)).append("\", \"title\": \"Result ")
                    .append(i + 1).append("\", \"content\": \"Snippet ").append(i + 1).append("\", \"engine\": \"bing\"}");
        }
        return json.append("], \"answers\": [], \"suggestions\": []}").toString();
    }

    /**
     * DuckDuckGo's HTML page. {@code velvet}: an ad, then the article, a PDF, a huge page, a
     * redirect, a page that never answers and a plain-text page; {@code load N}: three pages of
     * its own; {@code captcha}: a page without results; anything else: no results.
     */
    private void duckDuckGo(HttpExchange exchange) throws IOException {
        String query = query(exchange);
        String[] words = query.split(" ");
        String body = switch (words[0]) {
            case "velvet" -> duckDuckGoPage(List.of(
                    new String[] {pages.url("/article"), "The Velvet Lighthouse", "In 1932 the tower was painted a deep red, which gave it ..."},
                    new String[] {pages.url("/paper.pdf"), "Lighthouses (PDF)", "A survey."},
                    new String[] {pages.url("/huge"), "A huge page", "Very long."},
                    new String[] {pages.url("/moved"), "The harbour", "Moved here."},
                    new String[] {pages.url("/slow"), "A slow page", "It takes its time."},
                    new String[] {pages.url("/third"), "Plain", "Plain text."}));
            case "load" -> duckDuckGoPage(List.of(
                    new String[] {pages.url("/busy?" + words[1] + "-a"), "A " + words[1], "a"},
                    new String[] {pages.url("/busy?" + words[1] + "-b"), "B " + words[1], "b"},
                    new String[] {pages.url("/busy?" + words[1] + "-c"), "C " + words[1], "c"}));
            case "captcha" -> "<html><body><form id=\"challenge-form\"><p>Select all squares with boats</p></form></body></html>";
            default -> "<html><body><div id=\"links\" class=\"results\"><div class=\"no-results\">No results.</div></div></body></html>";
        };
        send(exchange, 200, "text/html; charset=UTF-8", body);
    }

    /** Result blocks as DuckDuckGo's HTML page has them, each link through its //duckduckgo.com/l/?uddg= redirector. */
    private static String duckDuckGoPage(List<String[]> results) {
        StringBuilder html = new StringBuilder("<!DOCTYPE html><html><head><title>results at DuckDuckGo</title></head>"
                + "<body><form id=\"search_form\" action=\"/html/\" method=\"post\"><input name=\"q\"></form>"
                + "<div id=\"links\" class=\"results\">"
                + "<div class=\"result results_links results_links_deep result--ad\"><div class=\"links_main links_deep result__body\">"
                + "<h2 class=\"result__title\"><a rel=\"nofollow\" class=\"result__a\" href=\"https://duckduckgo.com/y.js?ad_domain=ads.example\">"
                + "An advert</a></h2><a class=\"result__snippet\" href=\"https://duckduckgo.com/y.js?ad_domain=ads.example\">Buy!</a></div></div>");
        for (String[] result : results) {
            String link = "//duckduckgo.com/l/?uddg=" + URLEncoder.encode(result[0], StandardCharsets.UTF_8) + "&amp;rut=1a2b3c";
            html.append("<div class=\"result results_links results_links_deep web-result \">")
                    .append("<div class=\"links_main links_deep result__body\"><h2 class=\"result__title\">")
                    .append("<a rel=\"nofollow\" class=\"result__a\" href=\"").append(link).append("\">").append(result[1]).append("</a></h2>")
                    .append("<div class=\"result__extras\"><div class=\"result__extras__url\"><a class=\"result__url\" href=\"")
                    .append(link).append("\">").append(result[0].replaceFirst("^https?://", "")).append("</a></div></div>")
                    .append("<a class=\"result__snippet\" href=\"").append(link).append("\">").append(result[2]).append("</a>")
                    .append("<div class=\"clear\"></div></div></div>");
        }
        return html.append("</div></body></html>").toString();
    }

    private static String query(HttpExchange exchange) {
        String raw = exchange.getRequestURI().getRawQuery();
        for (String pair : raw == null ? new String[0] : raw.split("&")) {
            if (pair.startsWith("q=")) {
                return URLDecoder.decode(pair.substring(2), StandardCharsets.UTF_8);
            }
        }
        return "";
    }

    static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void redirect(HttpExchange exchange, String location) throws IOException {
        exchange.getResponseHeaders().add("Location", location);
        exchange.sendResponseHeaders(302, -1);
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        engine.close();
        pages.close();
        elsewhere.close();
    }

    /** A page shaped like a real article page: cookie banner, header and menu, sidebar, the article, share buttons, footer, scripts. */
    static final String ARTICLE = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>The Velvet Lighthouse</title>
            <style>body { font-family: serif }</style>
            <script>window.dataLayer = []; function track() { dataLayer.push(arguments) }</script></head>
            <body>
            <div id="cookie-banner" class="cookie-consent">We use cookies. <button>Accept all</button></div>
            <header class="site-header"><div class="logo">Coastal Heritage Review</div>
              <nav class="main-nav"><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li></ul></nav></header>
            <aside class="sidebar"><h3>Most read</h3><ul><li><a href="/a">Ten harbours to visit</a></li></ul></aside>
            <main><article>
              <h1>The Velvet Lighthouse</h1>
              <p>The Velvet Lighthouse stands on the northern cape of Ostmark Island and was first lit in 1871.</p>
              <p>In 1932 the tower was painted a deep red, which gave it the name sailors still use today.
                 The colour was chosen because it stayed visible against the snow of long winters.</p>
              <div class="share-buttons"><a href="#">Share on social media</a></div>
              <p>A restoration completed in 2019 replaced the original lens with a faithful copy.</p>
            </article></main>
            <footer class="site-footer">© 2024 Coastal Heritage Review · <a href="/privacy">Privacy</a></footer>
            <script src="/js/app.js"></script>
            </body></html>
            """;
}
