package koboldj.webui;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

class InlineStyleTest {
    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void theLinkBecomesAStyleAllowedByItsHash() {
        InlineStyle.Page page = InlineStyle.inline(utf8("<head>" + InlineStyle.LINK + "</head>"), utf8("body { color: red; }"));
        assertEquals("<head><style>body { color: red; }</style></head>", new String(page.html(), StandardCharsets.UTF_8));
        // sha256 of "body { color: red; }", as a browser computes it for the element's text
        assertEquals("'sha256-XeYlw2NVzOfB1UCIJqCyGr+0n7bA4fFslFpvKu84IAw='", page.styleSource());
    }

    @Test
    void aPageWithoutTheLinkOrAStyleThatCouldEndTheElementIsLeftAsItIs() {
        byte[] html = utf8("<head><title>x</title></head>");
        assertArrayEquals(html, InlineStyle.inline(html, utf8("a {}")).html());
        assertEquals("", InlineStyle.inline(html, utf8("a {}")).styleSource());
        byte[] linked = utf8(InlineStyle.LINK);
        InlineStyle.Page kept = InlineStyle.inline(linked, utf8("a::after { content: '</style><script>'; }"));
        assertArrayEquals(linked, kept.html());
        assertEquals("", kept.styleSource());
    }

    @Test
    void theShippedPageLinksTheShippedStylesheet() throws IOException {
        Path folder = Path.of("src", "main", "resources", "webui");
        InlineStyle.Page page = InlineStyle.inline(Files.readAllBytes(folder.resolve("index.html")),
                Files.readAllBytes(folder.resolve(InlineStyle.STYLESHEET)));
        assertTrue(page.styleSource().startsWith("'sha256-"), "the page's stylesheet is put inline");
    }
}
