package koboldj.e2e;

import static koboldj.e2e.PlatformE2EIT.within;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;

/**
 * The web UI is a bundle like any other: with its jar out of the running server's bundles folder,
 * {@code /} answers the platform's JSON index of the APIs; put back, {@code /} is the page again.
 * The API routes answer throughout.
 */
class WebUiHotSwapE2EIT {

    @Test
    void takeTheWebUiOutAndPutItBack() throws Exception {
        try (ServerProcess server = ServerProcess.start()) {
            assertTrue(isPage(server.get("/")), "the page at / to begin with");
            assertEquals(200, server.get("/webui/app.js").statusCode());

            try (RuntimeBundles.TakenOut out = RuntimeBundles.takeOut("koboldj.webui.jar")) {
                assertTrue(within(10_000, () -> isIndex(server.get("/"))), "/ answers the JSON index\n" + server.output());
                HttpResponse<String> asset = server.get("/webui/app.js");
                assertEquals(404, asset.statusCode());
                assertTrue(asset.body().startsWith("{"), "a JSON 404 for the UI's files: " + asset.body());
                assertEquals(200, server.get("/api/extra/version").statusCode());
            }
            assertTrue(within(10_000, () -> isPage(server.get("/"))), "the page at / again\n" + server.output());
            assertEquals(200, server.get("/api/extra/version").statusCode());
            assertTrue(server.isAlive());
        }
    }

    private static boolean isPage(HttpResponse<String> response) {
        return response.statusCode() == 200
                && response.headers().firstValue("Content-Type").orElse("").startsWith("text/html")
                && response.body().contains("<title>koboldj</title>");
    }

    private static boolean isIndex(HttpResponse<String> response) {
        return response.statusCode() == 200
                && response.headers().firstValue("Content-Type").orElse("").startsWith("application/json")
                && response.body().contains("\"apis\"") && response.body().contains("\"/v1\"");
    }
}
