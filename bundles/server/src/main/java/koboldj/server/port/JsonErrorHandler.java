package koboldj.server.port;

import java.nio.ByteBuffer;

import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

import jakarta.servlet.RequestDispatcher;

import koboldj.api.error.ErrorKind;
import koboldj.server.http.ErrorResponses;

/**
 * Jetty's own error answers, in the server's JSON error shape instead of Jetty's HTML page. Jetty
 * answers some requests before any servlet or whiteboard error page sees them: a request line or
 * header its parser refuses (control characters, a Content-Length of -1 or next to
 * Transfer-Encoding, CONNECT without an authority), an ambiguous path ({@code //}, {@code %2F},
 * {@code %2e}, {@code ..;}, {@code \}, {@code %00}) that it refuses to decode, a body announced
 * larger than --maxrequestsize. Those stay refused with Jetty's status; only the answer changes.
 * Every method gets the body, CONNECT and OPTIONS too (Jetty's handler writes one only for GET,
 * POST and HEAD).
 */
final class JsonErrorHandler implements Request.Handler {
    /** Jetty's reasons are short; anything longer is not worth echoing. */
    private static final int LONGEST_REASON = 200;

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        Throwable cause = cause(request);
        int status = cause instanceof HttpException http ? http.getCode() : response.getStatus();
        ErrorKind kind = ErrorResponses.kindFor(status);
        String message = message(kind, status, reason(request, cause));

        response.setStatus(kind.status());
        HttpFields.Mutable headers = response.getHeaders();
        headers.put(HttpHeader.CONTENT_TYPE, "application/json");
        headers.put(HttpHeader.CACHE_CONTROL, "no-store");
        if (kind == ErrorKind.BUSY) {
            headers.put(HttpHeader.RETRY_AFTER, ErrorResponses.RETRY_AFTER_SECONDS);
        }
        if (HttpMethod.HEAD.is(request.getMethod())) {
            // no body to a HEAD, though the servlet layer's errors would write one
            callback.succeeded();
        } else {
            response.write(true, ByteBuffer.wrap(ErrorResponses.json(kind, message)), callback);
        }
        return true;
    }

    /** The failure behind the error: Jetty's own attribute, or the servlet one when a servlet failed. */
    private static Throwable cause(Request request) {
        Object cause = request.getAttribute(ErrorHandler.ERROR_EXCEPTION);
        if (cause == null) {
            cause = request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
        }
        return cause instanceof Throwable throwable ? throwable : null;
    }

    /**
     * Jetty's reason for refusing the request, e.g. "Ambiguous URI encoding: AMBIGUOUS_PATH_SEPARATOR"
     * or "Invalid Content-Length Value". Only an HTTP exception's reason or a message set without
     * any exception is used: another exception's text may name classes or internals.
     */
    private static String reason(Request request, Throwable cause) {
        if (cause instanceof HttpException http) {
            return http.getReason();
        }
        if (cause != null) {
            return null;
        }
        Object message = request.getAttribute(ErrorHandler.ERROR_MESSAGE);
        if (message == null) {
            message = request.getAttribute(RequestDispatcher.ERROR_MESSAGE);
        }
        return message instanceof String text ? text : null;
    }

    private static String message(ErrorKind kind, int status, String reason) {
        if (kind == ErrorKind.BUSY) {
            return "The server cannot handle this request just now; please try again.";
        }
        if (kind == ErrorKind.INTERNAL) {
            return "The server failed to handle this request; its log has the details.";
        }
        String clean = reason == null ? "" : reason.replaceAll("\\p{Cntrl}", "").strip();
        if (clean.isEmpty() || clean.equalsIgnoreCase(HttpStatus.getMessage(status))) {
            return kind == ErrorKind.NOT_FOUND ? "No such endpoint. GET /api lists what this server offers."
                    : "The request was refused (HTTP " + status + " " + HttpStatus.getMessage(status) + ").";
        }
        if (clean.length() > LONGEST_REASON) {
            clean = clean.substring(0, LONGEST_REASON) + "…";
        }
        return clean.endsWith(".") ? clean : clean + ".";
    }
}
