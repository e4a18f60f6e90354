package koboldj.websearch.engine.duckduckgo;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import org.jsoup.Jsoup;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;

import koboldj.api.websearch.SearchEngine;
import koboldj.api.websearch.SearchHit;
import koboldj.websearch.net.AddressPolicy;
import koboldj.websearch.net.FetchLimits;
import koboldj.websearch.net.FetchedPage;
import koboldj.websearch.net.Origin;
import koboldj.websearch.net.OutboundFetcher;

/**
 * Searches with DuckDuckGo's HTML results page (the engine KoboldCpp uses), asked as
 * {@code URL?q=QUERY}. Its configured address is trusted; a redirect elsewhere is checked like any
 * page address.
 */
@Component(service = SearchEngine.class, configurationPid = DuckDuckGoEngine.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = {SearchEngine.NAME_PROPERTY + "=" + DuckDuckGoEngine.NAME, "service.ranking:Integer=0"})
@Designate(ocd = DuckDuckGoConfiguration.class)
public class DuckDuckGoEngine implements SearchEngine {
    static final String PID = "koboldj.websearch.duckduckgo";
    static final String NAME = "duckduckgo";
    private static final long MAX_PAGE_BYTES = 4L * 1024 * 1024;

    private final URI endpoint;
    private final OutboundFetcher fetcher;

    @Activate
    public DuckDuckGoEngine(DuckDuckGoConfiguration configuration) {
        this(URI.create(configuration.url().strip()), Duration.ofSeconds(Math.max(1, configuration.timeoutseconds())));
    }

    DuckDuckGoEngine(URI endpoint, Duration timeout) {
        this.endpoint = endpoint;
        FetchLimits limits = new FetchLimits(timeout, timeout, MAX_PAGE_BYTES, 8, 3, FetchLimits.USER_AGENT);
        this.fetcher = new OutboundFetcher(limits, AddressPolicy.strict(), Set.of(Origin.of(endpoint)));
    }

    @Override
    public List<SearchHit> search(String query, int limit) throws IOException {
        String separator = endpoint.getRawQuery() == null ? "?" : "&";
        URI address = URI.create(endpoint + separator + "q=" + URLEncoder.encode(query, StandardCharsets.UTF_8));
        FetchedPage page = fetcher.fetch(address, "text/html", type -> type.equals("text/html"));
        String charset = page.charset().map(Charset::name).orElse(null);
        return DuckDuckGoResultsPage.hits(Jsoup.parse(new ByteArrayInputStream(page.body()), charset, address.toString()),
                page.uri(), limit);
    }

    @Deactivate
    void close() {
        fetcher.close();
    }
}
