package koboldj.websearch.engine.duckduckgo;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * Where a link on DuckDuckGo's results page leads. Result links go through its redirector,
 * {@code //duckduckgo.com/l/?uddg=<the target, URL-encoded>&rut=…}: the target is read from
 * {@code uddg}, so no request goes to the redirector. Ad links ({@code /y.js}) and links to
 * DuckDuckGo itself lead nowhere the web search reads.
 */
final class ResultLink {

    private ResultLink() {
    }

    /** The http or https address {@code href} leads to, resolved against {@code page}. */
    static Optional<String> target(URI page, String href) {
        URI link;
        try {
            link = page.resolve(href.strip());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        String encoded = parameter(link.getRawQuery(), "uddg");
        if (encoded != null) {
            return httpAddress(URLDecoder.decode(encoded, StandardCharsets.UTF_8));
        }
        String host = link.getHost() == null ? "" : link.getHost().toLowerCase(Locale.ROOT);
        if (host.equals("duckduckgo.com") || host.endsWith(".duckduckgo.com")) {
            return Optional.empty();
        }
        return httpAddress(link.toString());
    }

    private static String parameter(String rawQuery, String name) {
        if (rawQuery == null) {
            return null;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.startsWith(name + "=")) {
                return pair.substring(name.length() + 1);
            }
        }
        return null;
    }

    private static Optional<String> httpAddress(String address) {
        try {
            URI uri = new URI(address);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            boolean usable = (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null;
            return usable ? Optional.of(address) : Optional.empty();
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }
}
