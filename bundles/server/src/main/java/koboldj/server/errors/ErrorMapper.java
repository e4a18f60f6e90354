package koboldj.server.errors;

import java.util.List;
import java.util.Optional;

import org.eclipse.jetty.http.HttpException;
import org.glassfish.jersey.server.ExtendedResourceContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jakartars.whiteboard.propertytypes.JSONRequired;
import org.osgi.service.jakartars.whiteboard.propertytypes.JakartarsExtension;
import org.osgi.service.jakartars.whiteboard.propertytypes.JakartarsName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;

import koboldj.api.capability.CapabilityDescriptor;
import koboldj.api.error.ApiException;
import koboldj.api.error.ErrorKind;
import koboldj.server.capabilities.CapabilityRegistry;
import koboldj.server.capabilities.ServedRoutes;
import koboldj.server.http.ErrorResponses;

/**
 * Every failure leaves the server through here as the one JSON error shape: never a stack trace,
 * never HTML. A route of a capability that is not loaded answers 503 saying what loads it; one
 * that is loading, or whose resources are not routed yet, 503 with Retry-After.
 */
@Component(service = ExceptionMapper.class)
@JakartarsExtension
@JakartarsName("koboldj.errors")
@JSONRequired
public class ErrorMapper implements ExceptionMapper<Throwable> {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorMapper.class);

    private final CapabilityRegistry capabilities;

    @Context
    private UriInfo uriInfo;

    @Context
    private Request request;

    @Context
    private ExtendedResourceContext resources;

    @Activate
    public ErrorMapper(@Reference CapabilityRegistry capabilities) {
        this.capabilities = capabilities;
    }

    @Override
    public Response toResponse(Throwable thrown) {
        Optional<ApiException> api = causeOf(thrown, ApiException.class);
        if (api.isPresent()) {
            if (api.get().kind() == ErrorKind.NOT_FOUND && ownerIsMissing()) {
                // another capability's resource matched a missing one's path (text's /v1/models/{id} for
                // /v1/models/image-models once the image bundle is gone): the path's owner answers
                return notFound();
            }
            return ErrorResponses.of(api.get());
        }
        Optional<JsonProcessingException> json = causeOf(thrown, JsonProcessingException.class);
        if (json.isPresent()) {
            return badJson(json.get());
        }
        Optional<HttpException> unreadable = jettyRefusal(thrown);
        if (unreadable.isPresent()) {
            // a body Jetty could not read (a broken chunk, the client gone mid-body) is the client's failure
            return clientError(unreadable.get().getCode(), "The request body could not be read: "
                    + unreadable.get().getReason() + ".");
        }
        if (thrown instanceof NotFoundException) {
            return notFound();
        }
        if (thrown instanceof NotAllowedException e) {
            return ErrorResponses.of(ErrorKind.METHOD_NOT_ALLOWED, request.getMethod() + " is not allowed on "
                    + path() + "; allowed: " + String.join(", ", e.getResponse().getAllowedMethods()) + ".");
        }
        if (thrown instanceof NotSupportedException) {
            return ErrorResponses.of(ErrorKind.UNSUPPORTED_MEDIA_TYPE, "Send the body as application/json.");
        }
        if (thrown instanceof WebApplicationException e && e.getResponse().getStatus() < 500) {
            return clientError(e.getResponse().getStatus(), e.getMessage());
        }
        LOG.error("Request {} {} failed", request.getMethod(), path(), thrown);
        return ErrorResponses.of(ErrorKind.INTERNAL, "The server failed to handle this request; its log has the details.");
    }

    private boolean ownerIsMissing() {
        return capabilities.owning(path()).filter(owner -> !capabilities.isPresent(owner.key())).isPresent();
    }

    private Response notFound() {
        String path = path();
        Optional<CapabilityDescriptor> owner = capabilities.owning(path);
        if (owner.isPresent()) {
            CapabilityDescriptor capability = owner.get();
            if (!capabilities.isPresent(capability.key())) {
                if (capabilities.isLoading(capability.key())) {
                    return ErrorResponses.temporarilyUnavailable(path + " is loading; try again in a moment.");
                }
                if (HttpMethod.GET.equals(request.getMethod()) && capability.emptyLists().contains(path)) {
                    return Response.ok(List.of(), MediaType.APPLICATION_JSON_TYPE).build(); // nothing to list, as KoboldCpp says
                }
                return ErrorResponses.of(ErrorKind.CAPABILITY_MISSING,
                        path + " is not available: it needs " + capability.enableHint() + ".");
            }
            if (!ServedRoutes.of(resources).serve(capability)) {
                // the capability's services are up but the REST whiteboard has not routed its resources yet
                return ErrorResponses.temporarilyUnavailable(path + " is starting; try again in a moment.");
            }
        }
        return ErrorResponses.of(ErrorKind.NOT_FOUND,
                "No such endpoint: " + request.getMethod() + " " + path + ". GET /api lists what this server offers.");
    }

    private static Response badJson(JsonProcessingException e) {
        if (e instanceof InvalidFormatException || (e instanceof MismatchedInputException m && !m.getPath().isEmpty())) {
            MismatchedInputException m = (MismatchedInputException) e;
            String field = fieldPath(m);
            String expected = expected(m.getTargetType());
            // Jackson's own text names Java classes and its settings ("CoercionConfig"), not the JSON the client sent
            return ErrorResponses.of(ErrorKind.BAD_REQUEST, expected == null ? "'" + field + "' has the wrong type."
                    : "'" + field + "' must be " + expected + ".", field);
        }
        return ErrorResponses.of(ErrorKind.BAD_REQUEST, "The body is not valid JSON: " + firstLine(e.getOriginalMessage()));
    }

    /** What a field of {@code type} takes, in JSON's words; null for a type not worth naming. */
    private static String expected(Class<?> type) {
        if (type == null) {
            return null;
        }
        if (type == String.class || type == char.class || type == Character.class || type.isEnum()) {
            return "a string";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (type == int.class || type == long.class || type == short.class || type == byte.class || type == Integer.class
                || type == Long.class || type == Short.class || type == Byte.class || type == java.math.BigInteger.class) {
            return "a whole number";
        }
        if (type.isPrimitive() || Number.class.isAssignableFrom(type)) {
            return "a number";
        }
        if (type.isArray() || java.util.Collection.class.isAssignableFrom(type)) {
            return "a list";
        }
        return type.getName().startsWith("java.") ? null : "an object";
    }

    private static Response clientError(int status, String message) {
        return ErrorResponses.of(ErrorResponses.kindFor(status), message);
    }

    private static String fieldPath(MismatchedInputException e) {
        StringBuilder path = new StringBuilder();
        for (var reference : e.getPath()) {
            if (reference.getFieldName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable input";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    private String path() {
        return "/" + uriInfo.getPath(false).replaceFirst("^/", "");
    }

    /** Jetty's own refusal of the request (an HTTP exception with a 4xx code) behind the failure, if any. */
    private static Optional<HttpException> jettyRefusal(Throwable thrown) {
        for (Throwable t = thrown; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof HttpException http && http.getCode() >= 400 && http.getCode() < 500) {
                return Optional.of(http);
            }
        }
        return Optional.empty();
    }

    private static <T extends Throwable> Optional<T> causeOf(Throwable thrown, Class<T> type) {
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return Optional.of(type.cast(t));
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return Optional.empty();
    }
}
