package koboldj.websearch.service;

/** A query as it goes to the engine: whitespace collapsed, at most 300 characters (as KoboldCpp sends). */
final class SearchQuery {
    static final int MAX_CHARS = 300;

    private SearchQuery() {
    }

    static String normalize(String query) {
        String text = query == null ? "" : query.replaceAll("\\s+", " ").strip();
        if (text.length() <= MAX_CHARS) {
            return text;
        }
        int end = Character.isLowSurrogate(text.charAt(MAX_CHARS)) ? MAX_CHARS - 1 : MAX_CHARS;
        return text.substring(0, end).strip();
    }
}
