package koboldj.websearch.service;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import koboldj.api.error.ApiException;
import koboldj.api.error.ErrorKind;
import koboldj.api.websearch.SearchEngine;
import koboldj.api.websearch.SearchHit;
import koboldj.websearch.net.FetchException;
import koboldj.websearch.net.FetchFailure;

/**
 * The search engines installed now (this bundle's and any other bundle's), and how one is asked:
 * the operator's choice by name or else the highest ranked, on a thread of its own that is given
 * up after the engine timeout, so neither a slow engine nor a broken plugin can hold a request.
 */
@Component(service = SearchEngines.class)
public class SearchEngines {
    private static final Logger LOG = LoggerFactory.getLogger(SearchEngines.class);

    private record Installed(SearchEngine engine, String name, int ranking, long id) {
    }

    private static final Comparator<Installed> BEST_FIRST = Comparator.comparingInt(Installed::ranking).reversed()
            .thenComparingLong(Installed::id);

    private final List<Installed> installed = new CopyOnWriteArrayList<>();
    private final ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addEngine(SearchEngine engine, Map<String, Object> properties) {
        Object name = properties.get(SearchEngine.NAME_PROPERTY);
        int ranking = properties.get(Constants.SERVICE_RANKING) instanceof Integer value ? value : 0;
        long id = properties.get(Constants.SERVICE_ID) instanceof Long value ? value : 0;
        installed.add(new Installed(engine, name == null ? engine.getClass().getSimpleName() : name.toString(), ranking, id));
    }

    void removeEngine(SearchEngine engine) {
        installed.removeIf(entry -> entry.engine() == engine);
    }

    @Deactivate
    void deactivate() {
        calls.shutdownNow();
    }

    /** The names of the engines installed, best first. */
    public List<String> names() {
        return installed.stream().sorted(BEST_FIRST).map(Installed::name).toList();
    }

    /**
     * Asks the chosen engine for up to {@code limit} hits.
     *
     * @param preferred the operator's engine, or empty for the highest ranked
     * @throws ApiException CAPABILITY_MISSING without that engine, UPSTREAM_TIMEOUT when it does not
     *                      answer within {@code timeout}, UPSTREAM_FAILED when it fails
     */
    public List<SearchHit> search(String preferred, String query, int limit, Duration timeout) {
        Installed chosen = choose(preferred);
        Future<List<SearchHit>> call = calls.submit(() -> chosen.engine().search(query, limit));
        try {
            List<SearchHit> hits = call.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return hits == null ? List.of() : hits;
        } catch (TimeoutException e) {
            call.cancel(true);
            throw timedOut(chosen, timeout);
        } catch (InterruptedException e) {
            call.cancel(true);
            Thread.currentThread().interrupt();
            throw new ApiException(ErrorKind.UPSTREAM_TIMEOUT, "The web search was interrupted.");
        } catch (ExecutionException e) {
            throw failed(chosen, e.getCause(), timeout);
        }
    }

    private Installed choose(String preferred) {
        List<Installed> engines = installed.stream().sorted(BEST_FIRST).toList();
        if (preferred != null && !preferred.isBlank()) {
            return engines.stream().filter(engine -> engine.name().equals(preferred.strip())).findFirst()
                    .orElseThrow(() -> new ApiException(ErrorKind.CAPABILITY_MISSING, "The search engine '" + preferred.strip()
                            + "' (koboldj.websearch.engine) is not installed; installed: " + names() + "."));
        }
        if (engines.isEmpty()) {
            throw new ApiException(ErrorKind.CAPABILITY_MISSING, "No search engine is installed.");
        }
        return engines.getFirst();
    }

    private static ApiException timedOut(Installed engine, Duration timeout) {
        return new ApiException(ErrorKind.UPSTREAM_TIMEOUT, "The search engine " + engine.name() + " did not answer within "
                + timeout.toSeconds() + " s.");
    }

    private static ApiException failed(Installed engine, Throwable cause, Duration timeout) {
        if (cause instanceof ApiException api) {
            return api;
        }
        boolean slow = cause instanceof FetchException fetch ? fetch.failure() == FetchFailure.TIMEOUT
                : cause instanceof InterruptedIOException;
        if (slow) {
            return timedOut(engine, timeout);
        }
        if (cause instanceof IOException) {
            String reason = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
            return new ApiException(ErrorKind.UPSTREAM_FAILED, "The search engine " + engine.name() + " failed: " + reason);
        }
        LOG.error("The search engine {} failed", engine.name(), cause);
        return new ApiException(ErrorKind.UPSTREAM_FAILED, "The search engine " + engine.name()
                + " failed; the server log has the details.");
    }
}
