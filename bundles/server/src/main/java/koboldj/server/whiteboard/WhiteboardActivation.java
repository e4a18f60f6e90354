package koboldj.server.whiteboard;

import java.io.IOException;
import java.util.Hashtable;

import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.servlet.whiteboard.Preprocessor;

import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.MessageBodyReader;

import koboldj.server.platform.PlatformResource;

/**
 * Starts the Jakarta REST whiteboard (it serves nothing until it has a context path) only once
 * this bundle's extensions and its servlet preprocessor are registered and the API key filter has
 * its configuration. So the server never answers unprotected, and Jersey builds its application
 * once at start-up instead of once per extension that arrives late.
 */
@Component(immediate = true)
public class WhiteboardActivation {
    static final String REST_WHITEBOARD_PID = "JakartarsServletWhiteboardRuntimeComponent";

    @Activate
    public WhiteboardActivation(@Reference ConfigurationAdmin configurationAdmin,
            @Reference(target = "(osgi.jakartars.name=koboldj.json)") MessageBodyReader<?> json,
            @Reference(target = "(osgi.jakartars.name=koboldj.errors)") ExceptionMapper<?> errors,
            @Reference(target = "(osgi.jakartars.name=koboldj.apikey)") ContainerRequestFilter apiKey,
            @Reference(target = "(osgi.jakartars.name=koboldj.requestsize)") ContainerRequestFilter requestSize,
            @Reference(target = "(osgi.jakartars.name=koboldj.cors)") ContainerRequestFilter cors,
            @Reference(target = "(osgi.jakartars.name=koboldj.jsonbydefault)") ContainerRequestFilter jsonByDefault,
            @Reference(target = "(component.name=koboldj.server.keepalive.UnreadBodyDrain)") Preprocessor drain,
            @Reference PlatformResource platform) throws IOException {
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put("jersey.context.path", "/");
        configurationAdmin.getConfiguration(REST_WHITEBOARD_PID, "?").updateIfDifferent(properties);
    }
}
