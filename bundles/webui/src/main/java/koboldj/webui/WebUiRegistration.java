package koboldj.webui;

import java.util.Hashtable;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.servlet.whiteboard.HttpWhiteboardConstants;

import jakarta.servlet.Servlet;

/**
 * Registers {@link WebUiServlet} in the UI's context for exactly {@code /} and {@code /webui/*}.
 * Done by hand because the root pattern is the empty string, which a component description cannot
 * carry in a list (its multi-value form drops empty lines), and the default pattern {@code "/"}
 * would take every path from the REST routes.
 */
@Component(immediate = true)
public class WebUiRegistration {
    private final ServiceRegistration<Servlet> registration;

    @Activate
    public WebUiRegistration(BundleContext context) {
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_PATTERN,
                new String[] {"", WebUiFiles.ASSET_PREFIX + "*"});
        properties.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_CONTEXT_SELECT,
                "(" + HttpWhiteboardConstants.HTTP_WHITEBOARD_CONTEXT_NAME + "=" + WebUiContext.NAME + ")");
        properties.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_NAME, "koboldj.webui");
        registration = context.registerService(Servlet.class, new WebUiServlet(context.getBundle()), properties);
    }

    @Deactivate
    void deactivate() {
        registration.unregister();
    }
}
