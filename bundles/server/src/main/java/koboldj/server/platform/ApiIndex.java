package koboldj.server.platform;

import java.util.List;
import java.util.Map;

/** The body of GET /api: a short map of what the server offers and what is loaded now. */
public record ApiIndex(String name, String version, Map<String, List<String>> routes,
        Map<String, CapabilityEntry> capabilities) {

    static final List<String> PLATFORM_ROUTES = List.of("GET /api", "GET /api/extra/version",
            "GET /api/v1/info/version", "GET /.well-known/serviceinfo");

    /**
     * @param loaded whether it is available now
     * @param enable what loads it, when it is not loaded
     * @param routes the paths it serves
     */
    public record CapabilityEntry(boolean loaded, String enable, List<String> routes) {
    }
}
