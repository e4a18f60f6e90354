package koboldj.api.capability;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Everything the platform needs to know of a capability, carried by the service properties of
 * whichever service announces it (see {@link #toProperties()}). The capability is present exactly
 * while such a service is registered: {@code /api/extra/version} reports its key, a request to its
 * routes while it is missing gets a 503 saying {@link #enableHint()}, and {@link #api()} is listed in
 * {@code /.well-known/serviceinfo}.
 *
 * @param key        the name in {@code /api/extra/version}, e.g. {@code txt2img}
 * @param routes     paths it serves; an entry ending in '/' covers everything below it
 * @param enableHint what turns it on, phrased to follow "it needs ...", e.g. "an image model: start
 *                   koboldj with --sdmodel FILE"
 * @param api        the API it adds to {@code /.well-known/serviceinfo}, if any
 * @param emptyLists list routes that answer {@code []} while it is missing, as KoboldCpp's do (its
 *                   clients list models and samplers on every connect)
 */
public record CapabilityDescriptor(String key, List<String> routes, String enableHint, Optional<Api> api,
        List<String> emptyLists) {

    /** Service property: the capability's key. A service with only this property announces a known capability. */
    public static final String KEY = "koboldj.capability";
    /** Service property (String[]): {@link #routes()}. */
    public static final String ROUTES = "koboldj.capability.routes";
    /** Service property: {@link #enableHint()}. */
    public static final String ENABLE = "koboldj.capability.enable";
    /** Service properties: {@link Api#id()}, {@link Api#name()}, {@link Api#path()}. */
    public static final String API_ID = "koboldj.capability.api.id";
    public static final String API_NAME = "koboldj.capability.api.name";
    public static final String API_PATH = "koboldj.capability.api.path";
    /** Service property (String[]): {@link #emptyLists()}. */
    public static final String EMPTY_LISTS = "koboldj.capability.emptylists";
    /**
     * Service property a bundle sets to a capability key while it loads that capability (a model
     * given at start or by a reload) and nothing serves it yet: its routes then answer 503 with
     * Retry-After, "loading", instead of naming what would turn it on.
     */
    public static final String LOADING = "koboldj.capability.loading";

    /** A key that can stand as a field of /api/extra/version beside KoboldCpp's. */
    private static final Pattern VALID_KEY = Pattern.compile("[a-z][a-z0-9_-]{0,63}");

    /** An API for /.well-known/serviceinfo: its id there, its name and its base path. */
    public record Api(String id, String name, String path) {
    }

    public CapabilityDescriptor {
        if (key == null || !VALID_KEY.matcher(key).matches()) {
            throw new IllegalArgumentException("a capability key is 1-64 lower-case letters, digits, '_' or '-': " + key);
        }
        routes = List.copyOf(routes);
        emptyLists = List.copyOf(emptyLists);
        enableHint = enableHint == null || enableHint.isBlank() ? "the bundle that provides '" + key + "'" : enableHint;
    }

    public static CapabilityDescriptor of(String key, String enableHint, String... routes) {
        return new CapabilityDescriptor(key, List.of(routes), enableHint, Optional.empty(), List.of());
    }

    public CapabilityDescriptor withApi(String id, String name, String path) {
        return new CapabilityDescriptor(key, routes, enableHint, Optional.of(new Api(id, name, path)), emptyLists);
    }

    public CapabilityDescriptor withEmptyLists(String... paths) {
        return new CapabilityDescriptor(key, routes, enableHint, api, List.of(paths));
    }

    /** Whether {@code path} is one of its routes or below one. */
    public boolean owns(String path) {
        return routes.stream().anyMatch(route -> covers(route, path));
    }

    /** Whether one entry of {@link #routes()} covers {@code path}: the same, or below it. */
    public static boolean covers(String route, String path) {
        return route.endsWith("/") ? path.startsWith(route) || path.equals(route.substring(0, route.length() - 1))
                : path.equals(route) || path.startsWith(route + "/");
    }

    /** The service properties that announce this capability. */
    public Map<String, Object> toProperties() {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put(KEY, key);
        properties.put(ROUTES, routes.toArray(String[]::new));
        properties.put(ENABLE, enableHint);
        api.ifPresent(a -> {
            properties.put(API_ID, a.id());
            properties.put(API_NAME, a.name());
            properties.put(API_PATH, a.path());
        });
        if (!emptyLists.isEmpty()) {
            properties.put(EMPTY_LISTS, emptyLists.toArray(String[]::new));
        }
        return properties;
    }

    /**
     * The capability a service announces, read from its properties; what the properties leave out
     * comes from {@code known} (the platform's description of KoboldCpp's own capabilities), so a
     * bundle that brings a known capability needs only {@link #KEY}. Empty without a valid key.
     */
    public static Optional<CapabilityDescriptor> fromProperties(Function<String, Object> property,
            Function<String, Optional<CapabilityDescriptor>> known) {
        if (!(property.apply(KEY) instanceof String key) || !VALID_KEY.matcher(key).matches()) {
            return Optional.empty();
        }
        Optional<CapabilityDescriptor> base = known.apply(key);
        List<String> routes = strings(property.apply(ROUTES)).orElse(base.map(CapabilityDescriptor::routes).orElse(List.of()));
        String enable = property.apply(ENABLE) instanceof String text ? text : base.map(CapabilityDescriptor::enableHint).orElse(null);
        Optional<Api> api = property.apply(API_ID) instanceof String id && property.apply(API_PATH) instanceof String path
                ? Optional.of(new Api(id, property.apply(API_NAME) instanceof String name ? name : id, path))
                : base.flatMap(CapabilityDescriptor::api);
        List<String> empty = strings(property.apply(EMPTY_LISTS)).orElse(base.map(CapabilityDescriptor::emptyLists).orElse(List.of()));
        return Optional.of(new CapabilityDescriptor(key, routes, enable, api, empty));
    }

    /** A String, a String[] or a collection of strings, as OSGi properties may carry a list. */
    private static Optional<List<String>> strings(Object value) {
        if (value instanceof String text) {
            return Optional.of(List.of(text));
        }
        if (value instanceof String[] array) {
            return Optional.of(List.of(array));
        }
        if (value instanceof Collection<?> collection) {
            List<String> list = new ArrayList<>();
            collection.forEach(item -> list.add(String.valueOf(item)));
            return Optional.of(list);
        }
        return Optional.empty();
    }
}
