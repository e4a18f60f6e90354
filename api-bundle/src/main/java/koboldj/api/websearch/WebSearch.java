package koboldj.api.websearch;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/** Web search. Registered with {@code koboldj.capability=websearch}. */
@ProviderType
public interface WebSearch {

    /**
     * The best {@code limit} results for {@code query}, each with text from its page; results
     * whose page may not or cannot be read as text are left out.
     *
     * @throws koboldj.api.error.ApiException BAD_REQUEST for an unusable query, UPSTREAM_FAILED
     *                                        or UPSTREAM_TIMEOUT when the search engine fails
     */
    List<SearchResult> search(String query, int limit);
}
