package koboldj.webui;

import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which of the bundle's own files a request path names, and how it is sent. A client reaches only
 * flat names under {@code webui/} in the bundle: no separator, no dot segment and no encoded
 * character can pass the name pattern, so no path leads outside the UI's files.
 */
final class WebUiFiles {
    /** Where the UI's files lie in the bundle. */
    static final String FOLDER = "webui/";
    /** The page's entry in the bundle. */
    static final String PAGE = FOLDER + "index.html";
    /** The URL prefix of the assets; the page itself is at {@code /}. */
    static final String ASSET_PREFIX = "/webui/";

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}\\.(html|css|js|svg|ico)");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html;charset=utf-8",
            "css", "text/css;charset=utf-8",
            "js", "text/javascript;charset=utf-8",
            "svg", "image/svg+xml",
            "ico", "image/x-icon");

    /** A file to send: its entry in the bundle and its content type. */
    record File(String entry, String contentType) {
    }

    private WebUiFiles() {
    }

    /** The file for a request path ({@code "/"} or {@code "/webui/app.js"}), if the path names one. */
    static Optional<File> forPath(String path) {
        if (path == null || path.isEmpty() || path.equals("/")) {
            return Optional.of(file("index.html"));
        }
        if (!path.startsWith(ASSET_PREFIX)) {
            return Optional.empty();
        }
        String name = path.substring(ASSET_PREFIX.length());
        return NAME.matcher(name).matches() ? Optional.of(file(name)) : Optional.empty();
    }

    private static File file(String name) {
        String extension = name.substring(name.lastIndexOf('.') + 1);
        return new File(FOLDER + name, TYPES.get(extension));
    }
}
