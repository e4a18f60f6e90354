package koboldj.websearch.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import org.jsoup.Jsoup;
import org.junit.jupiter.api.Test;

import koboldj.websearch.Fixtures;
import koboldj.websearch.net.FetchedPage;

class ReadableTextTest {

    @Test
    void keepsTheArticleAndDropsMenusScriptsStylesAndFooters() {
        String text = ReadableText.of(Jsoup.parse(Fixtures.text("article.html")));
        assertTrue(text.startsWith("The Velvet Lighthouse\n"), text);
        assertTrue(text.contains("The Velvet Lighthouse stands on the northern cape of Ostmark Island and was first lit in 1871. "
                + "Its lantern was turned by a clockwork mechanism"), text);
        assertTrue(text.contains("\nRestoration\n"), text);
        assertTrue(text.contains("Height: 34 metres\nRange: 22 nautical miles"), text);
        for (String furniture : List.of("cookies", "Home", "About us", "Search the archive", "Most read", "Ten harbours",
                "Share on social", "Advertisement", "Related", "Privacy", "©", "dataLayer", "font-family", "headline",
                "Skip to content", "Coastal Heritage Review")) {
            assertFalse(text.contains(furniture), furniture + " left in:\n" + text);
        }
    }

    @Test
    void aPageWithoutAMainElementKeepsItsBodyText() {
        String text = ReadableText.of(Jsoup.parse("<html><body><nav>Menu</nav><div><p>First   paragraph\n with  breaks.</p>"
                + "<p>Second<br>line.</p></div><footer>Footer</footer></body></html>"));
        assertEquals("First paragraph with breaks.\nSecond\nline.", text);
    }

    @Test
    void aListOfTeasersIsNotTakenForTheMainText() {
        String teasers = "<article><p>Short teaser one.</p></article><article><p>Short teaser two.</p></article>";
        String body = "<div><p>" + "The real content of this page is long. ".repeat(20) + "</p></div>";
        String text = ReadableText.of(Jsoup.parse("<body>" + teasers + body + "</body>"));
        assertTrue(text.contains("Short teaser one.") && text.contains("The real content"), text);
    }

    @Test
    void malformedHtmlStillGivesItsText() {
        String text = ReadableText.of(Jsoup.parse("<html><body><div><p>Unclosed <b>bold <i>italic</div><p>Next"
                + "<script>var x = '<p>';</script><table><tr><td>cell<td>cell two</table>&amp; &lt;done <style>p {"));
        assertEquals("Unclosed bold italic\nNext\ncell\ncell two\n& <done", text);
        // as in a browser, a script left open swallows the rest of the page
        assertEquals("Before", ReadableText.of(Jsoup.parse("<p>Before</p><script>never closed <p>After</p>")));
        assertEquals("", ReadableText.of(Jsoup.parse("")));
        assertEquals("", ReadableText.of(Jsoup.parse("\u0000\u0001<<<>>>&&&;;</></>", "http://x/").body().empty().ownerDocument()));
    }

    @Test
    void plainTextPagesAreReadAsTheyAreAndHtmlPagesInTheirCharset() throws Exception {
        FetchedPage plain = new FetchedPage(URI.create("http://x/a.txt"), "text/plain", Optional.empty(),
                "Line one.\r\n\r\n  Line   two.\n".getBytes(StandardCharsets.UTF_8));
        assertEquals("Line one.\nLine two.", PageText.of(plain));
        FetchedPage latin = new FetchedPage(URI.create("http://x/"), "text/html", Optional.of(StandardCharsets.ISO_8859_1),
                "<p>caf\u00e9</p>".getBytes(StandardCharsets.ISO_8859_1));
        assertEquals("caf\u00e9", PageText.of(latin));
        FetchedPage declared = new FetchedPage(URI.create("http://x/"), "text/html", Optional.empty(),
                "<meta charset=\"iso-8859-1\"><p>na\u00efve</p>".getBytes(StandardCharsets.ISO_8859_1));
        assertEquals("na\u00efve", PageText.of(declared));
    }
}
