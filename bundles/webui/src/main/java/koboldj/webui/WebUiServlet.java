package koboldj.webui;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import org.osgi.framework.Bundle;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import koboldj.api.error.ErrorKind;
import koboldj.server.http.ErrorResponses;

/**
 * Sends the UI's static files. The page is public, as KoboldCpp's is: it holds no data, and it
 * asks for the API key itself when the API answers 401. Files are revalidated on every load (an
 * ETag from the bundle's install time), so a replaced jar is seen at once and an unchanged one
 * costs a 304. The page carries its stylesheet inline ({@link InlineStyle}), so that it paints
 * without waiting for a second file. Jetty's gzip handler compresses what leaves here. {@link WebUiRegistration}
 * registers it.
 */
final class WebUiServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    /** Everything the page loads comes from this server: no CDN, font or script from elsewhere. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' data: blob:; "
            + "media-src 'self' data: blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

    private final transient Bundle bundle;

    WebUiServlet(Bundle bundle) {
        this.bundle = bundle;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        boolean head = "HEAD".equals(request.getMethod());
        if (!head && !"GET".equals(request.getMethod())) {
            response.setHeader("Allow", "GET, HEAD");
            error(response, ErrorKind.METHOD_NOT_ALLOWED, request.getMethod() + " is not allowed on "
                    + request.getRequestURI() + "; the web UI's files are read with GET.");
            return;
        }
        String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        Optional<WebUiFiles.File> file = WebUiFiles.forPath(path);
        URL entry = file.map(f -> bundle.getEntry(f.entry())).orElse(null);
        if (entry == null) {
            error(response, ErrorKind.NOT_FOUND, "The web UI has no file " + request.getRequestURI() + ".");
            return;
        }
        String etag = "\"" + Long.toHexString(bundle.getLastModified()) + "-" + Integer.toHexString(path.hashCode()) + "\"";
        byte[] body = read(entry);
        String policy = CONTENT_SECURITY_POLICY;
        URL stylesheet = file.get().entry().equals(WebUiFiles.PAGE)
                ? bundle.getEntry(WebUiFiles.FOLDER + InlineStyle.STYLESHEET) : null;
        if (stylesheet != null) {
            InlineStyle.Page page = InlineStyle.inline(body, read(stylesheet));
            body = page.html();
            if (!page.styleSource().isEmpty()) {
                policy += "; style-src 'self' " + page.styleSource();
            }
        }
        response.setHeader("ETag", etag);
        response.setHeader("Cache-Control", "no-cache");
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Content-Security-Policy", policy);
        response.setHeader("Referrer-Policy", "no-referrer");
        if (etag.equals(request.getHeader("If-None-Match"))) {
            response.setStatus(HttpServletResponse.SC_NOT_MODIFIED);
            return;
        }
        response.setContentType(file.get().contentType());
        response.setContentLength(body.length);
        if (!head) {
            response.getOutputStream().write(body);
        }
    }

    private static byte[] read(URL entry) throws IOException {
        try (InputStream in = entry.openStream()) {
            return in.readAllBytes();
        }
    }

    /** The server's one JSON error shape; this context has no error page of its own. */
    private static void error(HttpServletResponse response, ErrorKind kind, String message) throws IOException {
        byte[] body = ErrorResponses.json(kind, message);
        response.setStatus(kind.status());
        response.setContentType("application/json");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
