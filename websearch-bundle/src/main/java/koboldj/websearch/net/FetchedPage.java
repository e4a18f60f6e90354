package koboldj.websearch.net;

import java.net.URI;
import java.nio.charset.Charset;
import java.util.Optional;

/**
 * A fetched body.
 *
 * @param uri       where it came from, after redirects
 * @param mediaType its media type in lower case, e.g. {@code text/html}
 * @param charset   the charset its Content-Type names, if any
 * @param body      its bytes, at most the fetch limit
 */
public record FetchedPage(URI uri, String mediaType, Optional<Charset> charset, byte[] body) {
}
