package koboldj.server.paths;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A request path as the router will match it, worked out from the raw path the client sent.
 * Security decisions must be taken on this form: Jersey strips {@code ;parameters} from each
 * segment and decodes {@code %xx} before it matches, so a check on the raw text can be walked
 * around ({@code /api;x/admin/...} reached the admin routes with the user key).
 */
public final class RoutePath {

    private RoutePath() {
    }

    /**
     * The path in a form that errs towards the admin routes: segments decoded, anything from a
     * {@code ;} on dropped (before and after decoding), empty and {@code .} segments dropped,
     * {@code ..} applied, lower case, one leading slash and none trailing. Every path Jersey could
     * route to {@code /api/admin/x} gives {@code /api/admin/x} here.
     */
    public static String normalised(String rawPath) {
        List<String> segments = new ArrayList<>();
        for (String raw : rawPath.split("/", -1)) {
            String segment = withoutParameters(decode(withoutParameters(raw))).toLowerCase(Locale.ROOT);
            for (String part : segment.split("[/\\\\]", -1)) { // a decoded %2F or a backslash separates too
                if (part.equals("..")) {
                    if (!segments.isEmpty()) {
                        segments.removeLast();
                    }
                } else if (!part.isEmpty() && !part.equals(".")) {
                    segments.add(part);
                }
            }
        }
        return "/" + String.join("/", segments);
    }

    /**
     * Why the router could read {@code rawPath} as another path than it shows, or empty when the
     * path is plain. No client of ours sends such paths, so they are refused rather than guessed at.
     */
    public static Optional<String> ambiguity(String rawPath) {
        if (rawPath.indexOf(';') >= 0) {
            return Optional.of("';' parameters in a path");
        }
        String lower = rawPath.toLowerCase(Locale.ROOT);
        for (String encoded : new String[] {"%3b", "%2f", "%5c", "%00", "%2e", "%25"}) {
            if (lower.contains(encoded)) {
                return Optional.of("the encoded character '" + encoded.toUpperCase(Locale.ROOT) + "'");
            }
        }
        if (rawPath.indexOf('\\') >= 0) {
            return Optional.of("a backslash");
        }
        String inner = rawPath.startsWith("/") ? rawPath.substring(1) : rawPath;
        for (String segment : inner.split("/", -1)) {
            if (segment.equals(".") || segment.equals("..")) {
                return Optional.of("a '" + segment + "' segment");
            }
        }
        if (rawPath.contains("//")) {
            return Optional.of("an empty segment ('//')");
        }
        return Optional.empty();
    }

    private static String withoutParameters(String segment) {
        int semicolon = segment.indexOf(';');
        return semicolon < 0 ? segment : segment.substring(0, semicolon);
    }

    /** Percent-decoding that never fails: a malformed escape stays as it is. */
    private static String decode(String segment) {
        if (segment.indexOf('%') < 0) {
            return segment;
        }
        byte[] bytes = segment.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[bytes.length];
        int n = 0;
        for (int i = 0; i < bytes.length; i++) {
            int high = i + 2 < bytes.length && bytes[i] == '%' ? Character.digit(bytes[i + 1], 16) : -1;
            int low = high >= 0 ? Character.digit(bytes[i + 2], 16) : -1;
            if (low >= 0) {
                out[n++] = (byte) (high * 16 + low);
                i += 2;
            } else {
                out[n++] = bytes[i];
            }
        }
        return new String(out, 0, n, StandardCharsets.UTF_8);
    }
}
