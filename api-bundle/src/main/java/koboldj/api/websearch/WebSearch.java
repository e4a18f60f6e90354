package koboldj.api.websearch;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/** Web search. Registered with {@code koboldj.capability=websearch}. */
@ProviderType
public interface WebSearch {

    /** The best {@code limit} results for {@code query}, each with text from its page. */
    List<SearchResult> search(String query, int limit);
}
