package koboldj.launcher;

import java.io.IOException;
import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleListener;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * Waits until the capability bundles of the bundles folder have started, the models they load at
 * start are loaded (as KoboldCpp, which opens its port once its models are in), and the REST
 * whiteboard serves every resource and extension registered so far. Those bundles arrive through FileInstall
 * while the platform starts, and each one's resources make the whiteboard rebuild its application:
 * until it has taken in the last of them, their routes answer 404, so "serving" waits for it.
 *
 * <p>The whiteboard publishes its runtime DTO and a new {@code service.changecount} only once a
 * rebuild is done, so a registered service missing from the DTO means a rebuild is still to come.
 * A short quiet spell on top covers the hops between a bundle's start and its registrations
 * (configuration delivery, a component's activation), which no runtime shows. A service the
 * whiteboard never lists (one aimed at another whiteboard) holds the wait for a second at most.
 */
final class SettledRuntime {
    private static final String REST_RUNTIME = "org.osgi.service.jakartars.runtime.JakartarsServiceRuntime";
    /** The runtimes whose service.changecount moves with every registration they take in. */
    private static final List<String> RUNTIMES = List.of(REST_RUNTIME, "org.osgi.service.servlet.runtime.HttpServiceRuntime");
    /** What the REST whiteboard tracks (the Jakarta RESTful Web Services Whiteboard specification's properties). */
    private static final String WHITEBOARD_SERVICES =
            "(|(osgi.jakartars.resource=true)(osgi.jakartars.extension=true)(osgi.jakartars.application.base=*))";
    private static final String LOADING = "(koboldj.capability.loading=*)";
    private static final String MISSING = "not listed: ";
    private static final String DTO_PACKAGE = "org.osgi.service.jakartars.runtime.dto";
    private static final Duration QUIET = Duration.ofMillis(100);
    /** How long nothing may change while a registered service is still missing from the DTO. */
    private static final Duration QUIET_WITH_MISSING = Duration.ofSeconds(1);
    /** A capability bundle not active this long after the last bundle event failed to start (FileInstall said why). */
    private static final Duration START_FAILED = Duration.ofSeconds(1);

    private final BundleContext context;
    private final Path folder;
    private volatile long lastBundleEvent = System.nanoTime();
    /** What was seen last, and since when it has not changed. */
    private String seen;
    private long unchangedSince;

    SettledRuntime(BundleContext context, Path folder) {
        this.context = context;
        this.folder = folder;
    }

    /**
     * True once settled; false if {@code timeout} passed first with no model loading (the server
     * then serves as it is). A model load takes as long as it takes: a large file on a slow disk
     * or one fetched by URL may take minutes, and it always ends, loaded or failed.
     */
    boolean await(Duration timeout) {
        BundleListener events = event -> lastBundleEvent = System.nanoTime();
        context.addBundleListener(events);
        try {
            while (!Polling.until(timeout, Duration.ofMillis(10), this::settled)) {
                if (!loading() || Thread.currentThread().isInterrupted()) {
                    return false;
                }
            }
            return true;
        } finally {
            context.removeBundleListener(events);
        }
    }

    private boolean settled() {
        String now = capabilitiesStarted() && !loading() ? state() : null;
        if (now == null || !now.equals(seen)) {
            seen = now;
            unchangedSince = System.nanoTime();
            return false;
        }
        Duration quiet = now.contains(MISSING) ? QUIET_WITH_MISSING : QUIET;
        return System.nanoTime() - unchangedSince >= quiet.toNanos();
    }

    /** Whether a capability announces a model load (koboldj.api's CapabilityDescriptor.LOADING). */
    private boolean loading() {
        return references(null, LOADING).length > 0;
    }

    /** Every jar of the folder is installed, and started unless it failed to. */
    private boolean capabilitiesStarted() {
        boolean quietBundles = System.nanoTime() - lastBundleEvent >= START_FAILED.toNanos();
        try (Stream<Path> jars = Files.list(folder)) {
            List<String> names = jars.map(jar -> jar.getFileName().toString()).filter(name -> name.endsWith(".jar")).toList();
            Bundle[] bundles = context.getBundles();
            for (String name : names) {
                Bundle bundle = Stream.of(bundles).filter(b -> b.getLocation().endsWith("/" + name)).findFirst().orElse(null);
                if (bundle == null) {
                    return false;
                }
                boolean fragment = bundle.getHeaders().get(Constants.FRAGMENT_HOST) != null;
                if (!fragment && bundle.getState() != Bundle.ACTIVE && !quietBundles) {
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            return true; // no folder to wait for
        }
    }

    /** The runtimes' change counts, and the whiteboard services the REST runtime does not list yet. */
    private String state() {
        StringBuilder state = new StringBuilder();
        for (String runtime : RUNTIMES) {
            for (ServiceReference<?> reference : references(runtime, null)) {
                state.append(reference.getProperty(Constants.SERVICE_ID)).append('=')
                        .append(reference.getProperty(Constants.SERVICE_CHANGECOUNT)).append(';');
                if (runtime.equals(REST_RUNTIME)) {
                    Set<Long> missing = notListed(reference);
                    if (!missing.isEmpty()) {
                        state.append(MISSING).append(missing).append(';');
                    }
                }
            }
        }
        return state.toString();
    }

    private Set<Long> notListed(ServiceReference<?> runtime) {
        Set<Long> missing = new HashSet<>();
        for (ServiceReference<?> service : references(null, WHITEBOARD_SERVICES)) {
            missing.add((Long) service.getProperty(Constants.SERVICE_ID));
        }
        if (missing.isEmpty()) {
            return missing;
        }
        Object service = context.getService(runtime);
        if (service == null) {
            return missing;
        }
        try {
            Set<Long> listed = new HashSet<>();
            serviceIds(runtimeDto(service), listed);
            missing.removeAll(listed);
            return missing;
        } finally {
            context.ungetService(runtime);
        }
    }

    /**
     * The runtime's DTO, through the interface: the launcher does not see the whiteboard's API
     * package, and the service object's own class may be one it cannot call into.
     */
    private static Object runtimeDto(Object runtime) {
        for (Class<?> type : runtime.getClass().getInterfaces()) {
            if (type.getName().equals(REST_RUNTIME)) {
                try {
                    Method method = type.getMethod("getRuntimeDTO");
                    return method.invoke(runtime);
                } catch (NoSuchMethodException | IllegalAccessException | InvocationTargetException e) {
                    return null;
                }
            }
        }
        return null;
    }

    /** Adds each serviceId in the DTO tree: the applications, resources and extensions it serves or names as failed. */
    private static void serviceIds(Object dto, Set<Long> into) {
        if (dto == null) {
            return;
        }
        if (dto.getClass().isArray()) {
            for (int i = 0; i < Array.getLength(dto); i++) {
                serviceIds(Array.get(dto, i), into);
            }
            return;
        }
        if (!dto.getClass().getPackageName().equals(DTO_PACKAGE)) {
            return;
        }
        for (Field field : dto.getClass().getFields()) {
            if (Modifier.isStatic(field.getModifiers())) {
                continue;
            }
            try {
                Object value = field.get(dto);
                if (field.getName().equals("serviceId") && value instanceof Long id) {
                    into.add(id);
                } else {
                    serviceIds(value, into);
                }
            } catch (IllegalAccessException e) {
                // public fields of a public DTO class: not expected
            }
        }
    }

    private ServiceReference<?>[] references(String type, String filter) {
        try {
            ServiceReference<?>[] references = context.getAllServiceReferences(type, filter);
            return references == null ? new ServiceReference<?>[0] : references;
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e); // the filters are constants
        }
    }
}
