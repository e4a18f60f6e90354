package koboldj.server.json;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.jakartars.whiteboard.propertytypes.JSONRequired;
import org.osgi.service.jakartars.whiteboard.propertytypes.JakartarsExtension;
import org.osgi.service.jakartars.whiteboard.propertytypes.JakartarsName;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

/**
 * KoboldCpp reads every request body as JSON, whatever its Content-Type says, and clients rely
 * on it: {@code curl -d '{...}'} sends {@code application/x-www-form-urlencoded}, some scripts
 * send no type at all. Such a body is taken as JSON here too; any other declared type (a
 * multipart upload, say) is left for its route to accept or refuse.
 */
@Component(service = ContainerRequestFilter.class)
@JakartarsExtension
@JakartarsName("koboldj.jsonbydefault")
@JSONRequired
@PreMatching
@Priority(Priorities.HEADER_DECORATOR)
public class JsonByDefault implements ContainerRequestFilter {

    @Override
    public void filter(ContainerRequestContext request) {
        MediaType type = request.getMediaType();
        if (request.hasEntity() && (type == null || MediaType.APPLICATION_FORM_URLENCODED_TYPE.isCompatible(type))) {
            request.getHeaders().putSingle(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON);
        }
    }
}
