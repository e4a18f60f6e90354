package koboldj.server.errors;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletErrorPage;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import koboldj.server.http.ErrorResponses;
import koboldj.api.error.ErrorKind;
import koboldj.server.keepalive.UnreadBodyDrain;

/**
 * The servlet container's own error page, in the server's JSON shape. JAX-RS answers its errors
 * itself; this catches what happens outside it — chiefly the moment the REST whiteboard rebuilds
 * its application while a capability bundle comes or goes, when a request can fail inside Jersey
 * before any mapper runs, and Jetty would otherwise answer with an HTML page.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletErrorPage(errorPage = {"4xx", "5xx", "java.lang.Throwable"})
public class ContainerErrorPage extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = code instanceof Integer number && number >= 400 ? number : 500;
        // nothing of koboldj's own ends up here (the exception mapper answers inside JAX-RS), so a
        // 5xx is the container between two states: temporary, and said so, for clients that retry
        ErrorKind kind = status >= 500 ? ErrorKind.BUSY : ErrorResponses.kindFor(status);
        String message = status >= 500
                ? "The server could not handle this request just now (a module may be loading or unloading); please try again."
                : "The request could not be handled (HTTP " + status + ").";
        byte[] body = ErrorResponses.json(kind, message);
        response.setStatus(kind.status());
        if (kind == ErrorKind.BUSY) {
            response.setHeader("Retry-After", ErrorResponses.RETRY_AFTER_SECONDS);
        }
        if (!UnreadBodyDrain.readToEnd(request.getInputStream())) {
            response.setHeader("Connection", "close");
        }
        response.setContentType("application/json");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
