package koboldj.websearch.net;

/** Why a fetch gave no page. */
public enum FetchFailure {
    /** The address is not http or https, or is one the {@link AddressPolicy} refuses: nothing was sent. */
    REFUSED,
    /** The answer is of a type the caller does not read (e.g. a PDF where HTML was asked for). */
    UNSUPPORTED_TYPE,
    /** The body is larger than the limit. */
    TOO_LARGE,
    /** The fetch did not finish within its time, or found no free turn within it. */
    TIMEOUT,
    /** The server answered with an error status, or with a redirect that leads nowhere usable. */
    HTTP_ERROR,
    /** No connection could be made, or it broke. */
    UNREACHABLE
}
