package koboldj.api.websearch;

/**
 * What an engine found for a query: a page's title, its address (http or https) and the engine's
 * snippet of it. The web search turns hits into {@link SearchResult}s by reading the pages.
 */
public record SearchHit(String title, String url, String snippet) {
}
