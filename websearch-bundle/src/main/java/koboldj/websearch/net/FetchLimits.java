package koboldj.websearch.net;

import java.time.Duration;

/**
 * The bounds on every outbound call.
 *
 * @param connectTimeout  longest wait for a connection (TCP and TLS)
 * @param timeout         longest a whole fetch may take, redirects and body included
 * @param maxBytes        largest body read (after decompression); a larger one fails
 * @param maxConcurrent   fetches in flight at once; more wait for a turn, within their timeout
 * @param maxRedirects    redirects followed, each checked like the first address
 * @param userAgent       the User-Agent header
 */
public record FetchLimits(Duration connectTimeout, Duration timeout, long maxBytes, int maxConcurrent, int maxRedirects,
        String userAgent) {

    /** Names koboldj, in the form sites expect of a well-behaved client. */
    public static final String USER_AGENT = "Mozilla/5.0 (compatible; koboldj web search)";

    public FetchLimits {
        if (connectTimeout.isNegative() || connectTimeout.isZero() || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeouts must be positive");
        }
        if (maxBytes < 1 || maxConcurrent < 1 || maxRedirects < 0) {
            throw new IllegalArgumentException("maxBytes and maxConcurrent must be positive, maxRedirects not negative");
        }
    }

    /** The same limits with another overall timeout. */
    public FetchLimits withTimeout(Duration newTimeout) {
        return new FetchLimits(connectTimeout.compareTo(newTimeout) < 0 ? connectTimeout : newTimeout, newTimeout, maxBytes,
                maxConcurrent, maxRedirects, userAgent);
    }
}
