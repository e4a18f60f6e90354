package koboldj.server.paths;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RoutePathTest {

    @Test
    void everySpellingJerseyRoutesToAnAdminPathNormalisesToIt() {
        for (String raw : new String[] {"/api/admin/list_options", "/api;x=1/admin/list_options",
                "/api/admin;x=1/list_options", "/api;/admin;/list_options;", "/api%3Bx/admin/list_options",
                "//api/admin/list_options", "/api//admin/list_options/", "/API/Admin/LIST_OPTIONS",
                "/api/./admin/list_options", "/api/x/../admin/list_options", "/api/admin%2Flist_options",
                "/api\\admin/list_options", "api/admin/list_options", "/api/%61dmin/list_options",
                "/api/x/..;y/admin/list_options"}) {
            assertEquals("/api/admin/list_options", RoutePath.normalised(raw), raw);
        }
    }

    @Test
    void shutdownSpellingsNormaliseToShutdown() {
        for (String raw : new String[] {"/api/extra/shutdown;x", "/api;x/extra/shutdown", "/api/extra;x/shutdown",
                "/api/extra/shutdown/", "/api/extra/shutdown%3B", "/api/EXTRA/shutdown"}) {
            assertEquals("/api/extra/shutdown", RoutePath.normalised(raw), raw);
        }
    }

    @Test
    void dotsAboveTheRootStayAtTheRoot() {
        assertEquals("/api/v1/model", RoutePath.normalised("/../../api/v1/model"));
        assertEquals("/", RoutePath.normalised("/"));
        assertEquals("/", RoutePath.normalised(""));
    }

    @Test
    void aMalformedEscapeIsKeptAsItIs() {
        assertEquals("/api/%zz/x%4", RoutePath.normalised("/api/%zz/x%4"));
    }

    @Test
    void plainPathsAreNotAmbiguous() {
        for (String raw : new String[] {"/", "/api/v1/generate", "/v1/chat/completions", "/.well-known/serviceinfo",
                "/sdapi/v1/sd-models", "/api/extra/data/list"}) {
            assertTrue(RoutePath.ambiguity(raw).isEmpty(), raw);
        }
    }

    @Test
    void pathsTheRouterCouldReadOtherwiseAreAmbiguous() {
        for (String raw : new String[] {"/api;x/admin/list_options", "/api/extra/shutdown;", "/api%3Bx/admin",
                "/api%3bx/admin", "/api/admin%2Flist_options", "/api%5cadmin", "/api/%2e%2e/admin", "/api%00/admin",
                "/api/%252e/admin", "/api\\admin", "/api/./admin", "/api/x/../admin", "//api/admin",
                "/api//admin", "/api/admin/.."}) {
            assertTrue(RoutePath.ambiguity(raw).isPresent(), raw);
        }
    }
}
