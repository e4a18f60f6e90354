package koboldj.api.websearch;

/** One search hit, in KoboldCpp's fields. */
public record SearchResult(String title, String url, String desc, String content) {
}
