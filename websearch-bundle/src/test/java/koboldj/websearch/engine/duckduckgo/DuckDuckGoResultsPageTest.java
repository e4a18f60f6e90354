package koboldj.websearch.engine.duckduckgo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import org.jsoup.Jsoup;
import org.junit.jupiter.api.Test;

import koboldj.api.websearch.SearchHit;
import koboldj.websearch.Fixtures;

class DuckDuckGoResultsPageTest {
    private static final URI PAGE = URI.create("https://html.duckduckgo.com/html/?q=velvet+lighthouse");

    static String resultsPage(String... targets) {
        String page = Fixtures.text("duckduckgo-results.html");
        for (int i = 0; i < targets.length; i++) {
            page = page.replace("HIT" + (i + 1), URLEncoder.encode(targets[i], StandardCharsets.UTF_8));
        }
        return page;
    }

    @Test
    void readsTitlesTargetsAndSnippetsAndLeavesAdsOut() throws IOException {
        String html = resultsPage("https://heritage.example/velvet-lighthouse?ref=a&b=c", "https://travel.example/ostmark",
                "https://sea.example/lighthouses.pdf", "http://museum.example/hours");
        List<SearchHit> hits = DuckDuckGoResultsPage.hits(Jsoup.parse(html, PAGE.toString()), PAGE, 10);
        assertEquals(4, hits.size(), hits.toString());
        assertEquals(new SearchHit("The Velvet Lighthouse – Coastal Heritage Review", "https://heritage.example/velvet-lighthouse?ref=a&b=c",
                "In 1932 the tower was painted a deep red, which gave it the name sailors still use today. The colour was chosen ..."),
                hits.get(0));
        assertEquals(new SearchHit("Ostmark Island - Travel guide", "https://travel.example/ostmark",
                "Ostmark Island is known for the Velvet Lighthouse and its harbour."), hits.get(1));
        assertEquals("http://museum.example/hours", hits.get(3).url());
        assertEquals(2, DuckDuckGoResultsPage.hits(Jsoup.parse(html, PAGE.toString()), PAGE, 2).size());
    }

    @Test
    void aPageThatFoundNothingHasNoHitsAndAnyOtherPageIsAFailure() throws IOException {
        String none = "<html><body><div id=\"links\" class=\"results\"><div class=\"no-results\">No results.</div></div></body></html>";
        assertEquals(List.of(), DuckDuckGoResultsPage.hits(Jsoup.parse(none), PAGE, 3));
        String captcha = "<html><body><form id=\"challenge-form\"><p>Please confirm you are human</p></form></body></html>";
        IOException failure = assertThrows(IOException.class, () -> DuckDuckGoResultsPage.hits(Jsoup.parse(captcha), PAGE, 3));
        assertEquals("DuckDuckGo answered a page without a result list (a captcha or a changed page?)", failure.getMessage());
        assertThrows(IOException.class, () -> DuckDuckGoResultsPage.hits(Jsoup.parse("<<<garbage"), PAGE, 3));
    }

    @Test
    void redirectLinksAreReadNotFollowed() {
        assertEquals(Optional.of("https://a.example/x%20y?q=1&r=2"),
                ResultLink.target(PAGE, "//duckduckgo.com/l/?uddg=https%3A%2F%2Fa.example%2Fx%2520y%3Fq%3D1%26r%3D2&rut=abc"));
        assertEquals(Optional.of("https://direct.example/"), ResultLink.target(PAGE, "https://direct.example/"));
        assertEquals(Optional.empty(), ResultLink.target(PAGE, "https://duckduckgo.com/y.js?ad_domain=x"));
        assertEquals(Optional.empty(), ResultLink.target(PAGE, "/html/?q=next"));
        assertEquals(Optional.empty(), ResultLink.target(PAGE, "//duckduckgo.com/l/?uddg=javascript%3Aalert(1)"));
        assertEquals(Optional.empty(), ResultLink.target(PAGE, "//duckduckgo.com/l/?uddg=file%3A%2F%2F%2Fetc%2Fpasswd"));
        assertEquals(Optional.empty(), ResultLink.target(PAGE, "http://[broken"));
    }
}
