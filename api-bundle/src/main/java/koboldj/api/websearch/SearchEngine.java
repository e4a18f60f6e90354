package koboldj.api.websearch;

import java.io.IOException;
import java.util.List;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A search engine the web search uses to find pages: a bundle registers an implementation as an
 * OSGi service with {@link #NAME_PROPERTY}, and the web search fetches and reads the pages of the
 * hits it returns itself (with its address checks, size cap and timeouts), so an engine only asks
 * its own endpoint. Among the engines present the operator's choice wins (the {@code engine}
 * property of the {@code koboldj.websearch} configuration), otherwise the highest
 * {@code service.ranking}.
 *
 * <p>Called from many threads at once. The web search gives up on a call that outlasts its engine
 * timeout, so an engine should set timeouts of its own on what it opens.
 */
@ConsumerType
public interface SearchEngine {

    /** Service property with the engine's name, e.g. {@code duckduckgo}; operators choose engines by it. */
    String NAME_PROPERTY = "koboldj.websearch.engine";

    /**
     * The best hits for {@code query}, best first; at most {@code limit}, fewer when the engine
     * has fewer; an empty list when it found nothing.
     *
     * @throws IOException when the engine could not be asked or its answer could not be read; the
     *                     message says which, for the client
     */
    List<SearchHit> search(String query, int limit) throws IOException;
}
