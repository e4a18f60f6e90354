package koboldj.websearch.service;

import java.time.Duration;
import java.util.Hashtable;
import java.util.Set;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import koboldj.api.capability.CapabilityDescriptor;
import koboldj.api.capability.KoboldCppKeys;
import koboldj.api.websearch.WebSearch;
import koboldj.config.Pids;
import koboldj.websearch.net.AddressPolicy;
import koboldj.websearch.net.FetchLimits;
import koboldj.websearch.net.OutboundFetcher;

/**
 * Offers the {@link WebSearch} service, which is the "websearch" capability, exactly while
 * --websearch is on; a changed configuration replaces it with one built from the new settings.
 */
@Component(immediate = true, configurationPid = Pids.WEBSEARCH, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = WebSearchConfiguration.class)
public class WebSearchSwitch {
    private static final Logger LOG = LoggerFactory.getLogger(WebSearchSwitch.class);
    private static final int MAX_REDIRECTS = 5;

    private WebSearchService service;
    private ServiceRegistration<WebSearch> registration;

    @Activate
    public WebSearchSwitch(BundleContext context, WebSearchConfiguration configuration, @Reference SearchEngines engines) {
        if (!configuration.websearch()) {
            return;
        }
        Duration pageTimeout = Duration.ofSeconds(Math.max(1, configuration.pagetimeoutseconds()));
        FetchLimits limits = new FetchLimits(pageTimeout, pageTimeout, Math.max(1, configuration.maxpagekb()) * 1024L,
                Math.max(1, configuration.concurrentfetches()), MAX_REDIRECTS, FetchLimits.USER_AGENT);
        AddressPolicy policy = AddressPolicy.of(configuration.websearchallowlocal());
        PageReader pages = new PageReader(new OutboundFetcher(limits, policy, Set.of()), Math.max(100, configuration.contentchars()));
        service = new WebSearchService(engines, configuration.engine(),
                Duration.ofSeconds(Math.max(1, configuration.enginetimeoutseconds())), pages,
                new RecentSearches<>(configuration.cacheentries(), Duration.ofMinutes(Math.max(0, configuration.cacheminutes()))));
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(CapabilityDescriptor.KEY, KoboldCppKeys.WEBSEARCH);
        registration = context.registerService(WebSearch.class, service, properties);
        LOG.info("Web search on ({}; result pages on local addresses {})",
                configuration.engine().isBlank() ? "engines " + engines.names() : "engine " + configuration.engine(),
                policy.allowsLocal() ? "allowed" : "refused");
    }

    @Deactivate
    void deactivate() {
        if (registration != null) {
            registration.unregister();
            registration = null;
        }
        if (service != null) {
            service.close();
            service = null;
        }
    }
}
