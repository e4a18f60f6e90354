package koboldj.websearch.text;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Set;

import org.jsoup.Jsoup;

import koboldj.websearch.net.FetchedPage;

/** The readable text of a fetched HTML or plain-text page. */
public final class PageText {
    /** The media types the web search reads. */
    public static final Set<String> READABLE = Set.of("text/html", "application/xhtml+xml", "text/plain");
    /** The Accept header for pages. */
    public static final String ACCEPT = "text/html,application/xhtml+xml;q=0.9,text/plain;q=0.8";

    private PageText() {
    }

    public static boolean readable(String mediaType) {
        return READABLE.contains(mediaType);
    }

    public static String of(FetchedPage page) throws IOException {
        if (page.mediaType().equals("text/plain")) {
            Charset charset = page.charset().orElse(StandardCharsets.UTF_8);
            return new String(page.body(), charset).replaceAll("[ \\t\\x0B\\f\\r]+", " ").replaceAll("\\s*\\n\\s*", "\n").strip();
        }
        // jsoup finds the charset itself (BOM, <meta charset>) when the header names none
        String charset = page.charset().map(Charset::name).orElse(null);
        return ReadableText.of(Jsoup.parse(new ByteArrayInputStream(page.body()), charset, page.uri().toString()));
    }
}
