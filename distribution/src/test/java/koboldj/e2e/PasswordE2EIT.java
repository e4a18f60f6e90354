package koboldj.e2e;

import static koboldj.e2e.PlatformE2EIT.error;
import static koboldj.e2e.PlatformE2EIT.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** --password and --adminpassword, against the real process. */
class PasswordE2EIT {
    private static ServerProcess server;

    @BeforeAll
    static void start() throws Exception {
        server = ServerProcess.start("--password", "s3cret", "--admin", "--adminpassword", "b0ss");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void apiRoutesNeedTheBearerKey() throws Exception {
        assertTrue(error(server.post("/api/v1/generate", "{}"), 401).path("detail").path("msg").asText()
                .contains("Authorization: Bearer"));
        error(server.post("/api/v1/generate", "{}", "Authorization", "Bearer wrong"), 401);
        error(server.post("/api/v1/generate", "{}", "Authorization", "s3cret"), 401);
        error(server.get("/api/extra/perf"), 401);
        error(server.get("/no/such/route"), 401);
        // with the key the request gets through to routing: no text model here, so 503
        error(server.post("/api/v1/generate", "{}", "Authorization", "Bearer s3cret"), 503);
        error(server.get("/no/such/route", "Authorization", "Bearer s3cret"), 404);
    }

    /**
     * A refused POST is answered before its body is read; the connection must stay usable for the
     * client's next request, which it sends at once on the same connection.
     */
    @Test
    void refusedPostsLeaveTheConnectionServing() throws Exception {
        for (int i = 0; i < 200; i++) {
            error(server.post("/api/v1/generate", "{\"prompt\": \"" + "x".repeat(i * 50) + "\"}"), 401);
            error(server.post("/no/such/route", "{}", "Authorization", "Bearer s3cret"), 404);
        }
    }

    @Test
    void discoveryRoutesStayOpenAndSayTheServerIsProtected() throws Exception {
        assertTrue(json(server.get("/api/extra/version")).path("protected").asBoolean());
        assertEquals(200, server.get("/.well-known/serviceinfo").statusCode());
        assertEquals(200, server.get("/api/v1/info/version").statusCode());
    }

    @Test
    void preflightNeedsNoKey() throws Exception {
        assertEquals(200, server.send(HttpRequest.newBuilder(server.uri("/api/v1/generate"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())).statusCode());
    }

    @Test
    void adminRoutesNeedTheAdminKey() throws Exception {
        error(server.get("/api/admin/list_options"), 401);
        error(server.get("/api/admin/list_options", "Authorization", "Bearer s3cret"), 401);
        // the admin key opens it; no admin bundle is deployed in this issue, so the route is missing
        int status = server.get("/api/admin/list_options", "Authorization", "Bearer b0ss").statusCode();
        assertTrue(status == 503 || status == 200, "admin key accepted, got " + status);
    }
}
