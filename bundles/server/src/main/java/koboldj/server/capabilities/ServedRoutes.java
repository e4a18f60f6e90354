package koboldj.server.capabilities;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.glassfish.jersey.server.ExtendedResourceContext;
import org.glassfish.jersey.server.model.Resource;

import koboldj.api.capability.CapabilityDescriptor;

/**
 * The paths the JAX-RS application serving this request has resources for, from Jersey's model of
 * it. A capability's service comes up before the REST whiteboard has rebuilt the application with
 * its resources; until they are in, a client that saw the capability reported would get 404s.
 */
public final class ServedRoutes {
    private final Set<String> paths = new HashSet<>();

    private ServedRoutes(List<Resource> roots) {
        for (Resource root : roots) {
            collect("", root);
        }
    }

    public static ServedRoutes of(ExtendedResourceContext context) {
        return of(context.getResourceModel().getRootResources());
    }

    static ServedRoutes of(List<Resource> roots) {
        return new ServedRoutes(roots);
    }

    private void collect(String parent, Resource resource) {
        String path = join(parent, resource.getPath());
        if (!resource.getResourceMethods().isEmpty()) {
            paths.add(path);
        }
        for (Resource child : resource.getChildResources()) {
            collect(path, child);
        }
    }

    private static String join(String parent, String path) {
        String joined = parent + "/" + (path == null ? "" : path);
        joined = joined.replaceAll("/+", "/");
        return joined.length() > 1 && joined.endsWith("/") ? joined.substring(0, joined.length() - 1) : joined;
    }

    /** Whether each of the capability's routes has a resource here (a capability without routes always has). */
    public boolean serve(CapabilityDescriptor capability) {
        for (String route : capability.routes()) {
            if (paths.stream().noneMatch(path -> CapabilityDescriptor.covers(route, path))) {
                return false;
            }
        }
        return true;
    }
}
