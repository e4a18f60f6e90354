package koboldj.webui;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.servlet.context.ServletContextHelper;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardContext;

/**
 * The UI's own servlet context at {@code /}. Felix asks the contexts at one path in ranking order
 * and takes the first that has a servlet for the request; this one outranks the REST whiteboard's
 * and holds only the UI's patterns ({@code /} exactly and {@code /webui/*}), so every other path —
 * {@code /api}, {@code /v1}, {@code /sdapi} — falls through to the REST routes untouched.
 */
@Component(service = ServletContextHelper.class, property = "service.ranking:Integer=1000")
@HttpWhiteboardContext(name = WebUiContext.NAME, path = "/")
public class WebUiContext extends ServletContextHelper {
    static final String NAME = "koboldj.webui";
}
