package koboldj.websearch.engine.searxng;

import java.net.URI;
import java.time.Duration;
import java.util.Hashtable;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import koboldj.api.websearch.SearchEngine;
import koboldj.config.Pids;
import koboldj.websearch.net.AddressPolicy;

/**
 * Offers the SearXNG engine while --websearchurl names an instance, ranked above DuckDuckGo so
 * that naming one is enough to use it.
 */
@Component(immediate = true, configurationPid = Pids.WEBSEARCH, configurationPolicy = ConfigurationPolicy.REQUIRE)
public class SearxngRegistration {
    static final String NAME = "searxng";
    /** Above DuckDuckGo's 0. */
    static final int RANKING = 10;
    private static final Logger LOG = LoggerFactory.getLogger(SearxngRegistration.class);

    /** The keys of koboldj.websearch this component reads. */
    @interface Settings {
        String websearchurl() default "";

        boolean websearchallowlocal() default false;

        int enginetimeoutseconds() default 10;
    }

    private SearxngEngine engine;
    private ServiceRegistration<SearchEngine> registration;

    @Activate
    public SearxngRegistration(BundleContext context, Settings settings) {
        if (settings.websearchurl().isBlank()) {
            return;
        }
        URI base;
        try {
            base = URI.create(settings.websearchurl().strip());
        } catch (IllegalArgumentException e) {
            // the flag is checked at start; a value set with --set or a .cfg file is not
            LOG.error("No SearXNG engine: websearchurl '{}' is not an address", settings.websearchurl());
            return;
        }
        engine = new SearxngEngine(base, Duration.ofSeconds(Math.max(1, settings.enginetimeoutseconds())),
                AddressPolicy.of(settings.websearchallowlocal()));
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(SearchEngine.NAME_PROPERTY, NAME);
        properties.put(Constants.SERVICE_RANKING, RANKING);
        registration = context.registerService(SearchEngine.class, engine, properties);
        LOG.info("Web search engine: SearXNG at {}", base);
    }

    @Deactivate
    void deactivate() {
        if (registration != null) {
            registration.unregister();
            registration = null;
        }
        if (engine != null) {
            engine.close();
            engine = null;
        }
    }
}
