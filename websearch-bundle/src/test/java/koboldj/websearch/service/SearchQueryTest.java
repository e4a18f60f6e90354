package koboldj.websearch.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SearchQueryTest {

    @Test
    void collapsesWhitespaceAndKeepsAtMost300Characters() {
        assertEquals("who built the velvet lighthouse?", SearchQuery.normalize("  who built\n\tthe   velvet lighthouse?  "));
        assertEquals("", SearchQuery.normalize(" \n "));
        assertEquals("", SearchQuery.normalize(null));
        assertEquals(300, SearchQuery.normalize("a".repeat(1000)).length());
        String emoji = "a".repeat(299) + "\uD83D\uDE00"; // a surrogate pair across the cut stays whole or goes
        assertEquals("a".repeat(299), SearchQuery.normalize(emoji + "b"));
    }
}
