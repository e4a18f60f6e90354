package koboldj.e2e;

import static koboldj.e2e.PlatformE2EIT.error;
import static koboldj.e2e.PlatformE2EIT.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The keys on a real server with --password, --admin and --adminpassword: no spelling of a path
 * (';' parameters, '%3B', empty segments, a trailing slash, other case) gets past the key its route
 * needs, and a reload to a file that names only a model keeps the key and the body limit.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecurityE2EIT {
    private static final String USER = "user-key";
    private static final String ADMIN = "admin-key";
    /** Routes that need the admin key, each with the method it is called with. */
    private static final List<Route> ADMIN_ROUTES = List.of(new Route("GET", "/api/admin/list_options"),
            new Route("POST", "/api/admin/reload_config"), new Route("POST", "/api/admin/check_state"),
            new Route("POST", "/api/admin/save_state"), new Route("POST", "/api/admin/load_state"),
            new Route("POST", "/api/admin/clear_state"), new Route("POST", "/api/extra/shutdown"));
    /** Routes that need the user key. */
    private static final List<Route> USER_ROUTES = List.of(new Route("GET", "/api/extra/perf"),
            new Route("GET", "/v1/models"), new Route("GET", "/props"), new Route("GET", "/api/extra/samplers"),
            new Route("POST", "/api/v1/generate"), new Route("POST", "/api/extra/generate/stream"),
            new Route("POST", "/api/extra/tokencount"), new Route("POST", "/api/extra/abort"),
            new Route("POST", "/v1/completions"), new Route("POST", "/v1/chat/completions"),
            new Route("POST", "/v1/embeddings"), new Route("POST", "/api/extra/data/list"));

    @TempDir
    static Path temp;
    private static Path adminDir;
    private static ServerProcess server;

    record Route(String method, String path) {
    }

    @BeforeAll
    static void start() throws Exception {
        adminDir = Files.createDirectories(temp.resolve("admin"));
        Files.writeString(adminDir.resolve("only-model.kcpps"),
                "{\"model_param\": \"" + TestModel.path().replace("\\", "\\\\") + "\", \"contextsize\": 1024}");
        server = ServerProcess.start("--model", TestModel.path(), "--contextsize", "512", "--password", USER, "--admin",
                "--admindir", adminDir.toString(), "--adminpassword", ADMIN, "--maxrequestsize", "1");
        assertTrue(PlatformE2EIT.within(120_000, () -> server.get("/api/v1/model", "Authorization", "Bearer " + USER)
                .statusCode() == 200), "the text model serves\n" + server.output());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** The spellings of {@code path} that a router might take for it; none is plain. */
    static List<String> disguised(String path) {
        List<String> spellings = new ArrayList<>();
        String[] segments = path.substring(1).split("/");
        for (int i = 0; i < segments.length; i++) {
            for (String parameter : new String[] {";", ";x=1", "%3B", "%3bx"}) {
                String[] copy = segments.clone();
                copy[i] += parameter;
                spellings.add("/" + String.join("/", copy));
            }
            String[] empty = segments.clone();
            empty[i] = "/" + empty[i];
            spellings.add("/" + String.join("/", empty));
        }
        return spellings;
    }

    /** Spellings that are plain but differ from the route: a trailing slash, other case. */
    static List<String> lookalikes(String path) {
        int last = path.lastIndexOf('/');
        return List.of(path + "/", path.toUpperCase(Locale.ROOT),
                path.substring(0, last) + path.substring(last).toUpperCase(Locale.ROOT));
    }

    private static HttpResponse<String> send(Route route, String path, String key) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.uri(path)).method(route.method(),
                route.method().equals("GET") ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString("{}"))
                .header("Content-Type", "application/json");
        return key == null ? server.send(request) : server.send(request, "Authorization", "Bearer " + key);
    }

    @Test
    @Order(1)
    void noSpellingOfAPathGetsPastTheKeyItsRouteNeeds() throws Exception {
        List<Route> all = new ArrayList<>(ADMIN_ROUTES);
        all.addAll(USER_ROUTES);
        for (Route route : all) {
            boolean admin = ADMIN_ROUTES.contains(route);
            for (String key : new String[] {null, "wrong", USER, ADMIN}) {
                for (String path : disguised(route.path())) {
                    // refused before any key is looked at, whoever asks
                    int status = send(route, path, key).statusCode();
                    assertEquals(400, status, route.method() + " " + path + " with " + key);
                }
                boolean rightKey = admin ? ADMIN.equals(key) : USER.equals(key);
                if (rightKey) {
                    continue; // the right key may reach such a route: nothing to prove, and shutdown would end the test
                }
                for (String path : lookalikes(route.path())) {
                    error(send(route, path, key), 401);
                }
                error(send(route, route.path(), key), 401);
            }
        }
        assertTrue(server.isAlive());
        assertEquals(200, server.get("/api/v1/model", "Authorization", "Bearer " + USER).statusCode());
    }

    @Test
    @Order(2)
    void theRightKeysStillOpenTheirRoutes() throws Exception {
        assertEquals("[\"only-model.kcpps\",\"unload_model\"]",
                server.get("/api/admin/list_options", "Authorization", "Bearer " + ADMIN).body());
        error(server.get("/api/admin/list_options", "Authorization", "Bearer " + USER), 401);
        assertEquals(200, server.get("/api/extra/perf", "Authorization", "Bearer " + USER).statusCode());
    }

    /**
     * KoboldAI Lite's connect, in its order: it reads the model first and shows its key prompt on
     * the masked name, so every read before the key must answer, as KoboldCpp's do.
     */
    @Test
    @Order(3)
    void koboldLiteConnectsWithoutAKeyAndIsAskedForOne() throws Exception {
        assertEquals("koboldcpp/protected-model", json(server.get("/api/v1/model")).path("result").asText());
        assertEquals("koboldcpp/protected-model", json(server.get("/api/v1/model", "Authorization", "Bearer wrong"))
                .path("result").asText());
        assertEquals("1.2.5", json(server.get("/api/v1/info/version")).path("result").asText());
        assertTrue(json(server.get("/api/extra/version")).path("protected").asBoolean());
        assertEquals(512, json(server.get("/api/extra/true_max_context_length")).path("value").asInt());
        assertEquals(512, json(server.get("/api/v1/config/max_context_length")).path("value").asInt());
        assertTrue(json(server.get("/api/v1/config/max_length")).path("value").asInt() > 0);
        error(server.get("/api/extra/perf"), 401);
        error(server.post("/api/v1/generate", "{\"prompt\": \"Once\", \"max_length\": 4}"), 401);

        String[] key = {"Authorization", "Bearer " + USER};
        assertEquals("koboldcpp/stories260K", json(server.get("/api/v1/model", key)).path("result").asText());
        assertTrue(json(server.get("/api/extra/version", key)).path("llm").asBoolean());
        assertEquals(200, server.get("/api/extra/perf", key).statusCode());
        assertEquals(200, server.post("/api/v1/generate", "{\"prompt\": \"Once\", \"max_length\": 4}", key).statusCode());
    }

    @Test
    @Order(4)
    void aReloadToAFileNamingOnlyAModelKeepsTheKeyAndTheBodyLimit() throws Exception {
        HttpResponse<String> reload = server.post("/api/admin/reload_config", "{\"filename\": \"only-model.kcpps\"}",
                "Authorization", "Bearer " + ADMIN);
        assertEquals(200, reload.statusCode(), reload.body());
        assertEquals(1024, json(server.get("/api/v1/config/max_context_length", "Authorization", "Bearer " + USER))
                .path("value").asInt(), "the file's context size is in force");

        error(server.post("/api/v1/generate", "{\"prompt\": \"Once\", \"max_length\": 4}"), 401);
        String big = "{\"prompt\": \"" + "x".repeat(3 * 1024 * 1024) + "\"}";
        error(server.post("/api/v1/generate", big, "Authorization", "Bearer " + USER), 413);
        assertTrue(json(server.get("/api/extra/version")).path("protected").asBoolean());
    }

    /**
     * A body over the limit is refused at its header while the client is still sending it; the
     * client must still read the 413, not a reset connection (a server that closes with the body
     * still arriving makes the kernel reset it: 5 of 40 with Python's client before the fix).
     */
    @Test
    @Order(5)
    void aBodyOverTheLimitIsAnsweredThoughTheClientIsStillSendingIt() throws Exception {
        String big = "{\"prompt\": \"" + "x".repeat(3 * 1024 * 1024) + "\"}";
        for (int i = 0; i < 40; i++) {
            error(server.post("/api/v1/generate", big, "Authorization", "Bearer " + USER), 413);
        }
        assertEquals(200, server.get("/api/extra/perf", "Authorization", "Bearer " + USER).statusCode());
    }
}
