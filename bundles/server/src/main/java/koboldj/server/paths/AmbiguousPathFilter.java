package koboldj.server.paths;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.jakartars.whiteboard.propertytypes.JSONRequired;
import org.osgi.service.jakartars.whiteboard.propertytypes.JakartarsExtension;
import org.osgi.service.jakartars.whiteboard.propertytypes.JakartarsName;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;

import koboldj.api.error.ErrorKind;
import koboldj.server.http.ErrorResponses;

/**
 * Refuses a path the router could read otherwise than it shows ({@code ;parameters}, encoded
 * separators or dots, empty segments), before the key check: what is never accepted cannot be
 * used to slip past it. The key check decides on {@link RoutePath#normalised} as well.
 */
@Component(service = ContainerRequestFilter.class)
@JakartarsExtension
@JakartarsName("koboldj.paths")
@JSONRequired
@PreMatching
@Priority(Priorities.AUTHENTICATION - 100)
public class AmbiguousPathFilter implements ContainerRequestFilter {

    @Override
    public void filter(ContainerRequestContext request) {
        RoutePath.ambiguity(request.getUriInfo().getRequestUri().getRawPath()).ifPresent(reason ->
                request.abortWith(ErrorResponses.of(ErrorKind.BAD_REQUEST, "The request path is refused: it has "
                        + reason + ". Send the plain path, e.g. /api/v1/generate.")));
    }
}
