package koboldj.webui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class WebUiFilesTest {
    @Test
    void theRootIsThePage() {
        assertEquals("webui/index.html", WebUiFiles.forPath("/").orElseThrow().entry());
        assertEquals("webui/index.html", WebUiFiles.forPath("").orElseThrow().entry());
        assertTrue(WebUiFiles.forPath("/").orElseThrow().contentType().startsWith("text/html"));
    }

    @Test
    void assetsGetTheirContentType() {
        assertEquals("text/javascript;charset=utf-8", WebUiFiles.forPath("/webui/app.js").orElseThrow().contentType());
        assertEquals("text/css;charset=utf-8", WebUiFiles.forPath("/webui/app.css").orElseThrow().contentType());
    }

    @Test
    void nothingOutsideTheUiFolderIsReachable() {
        for (String path : new String[] {"/webui/../META-INF/MANIFEST.MF", "/webui/..%2fx.js", "/webui/a/b.js",
                "/webui/.hidden.js", "/webui/koboldj/webui/WebUiServlet.class", "/webui/", "/webui/x.properties",
                "/webui/%2e%2e.js", "/other.js", "/webui/A.JS", "/webui/x.js/"}) {
            assertTrue(WebUiFiles.forPath(path).isEmpty(), path);
        }
    }
}
