package koboldj.config;

/**
 * The launcher's word to the bundles that the runtime has settled: it registers a service with
 * {@link #PROPERTY}{@code =true} once the platform answers and the capability bundles are in, and
 * the server opens the public port then, so that no client meets a half-started server.
 */
public final class Readiness {
    /** Service property of the launcher's marker service. */
    public static final String PROPERTY = "koboldj.settled";
    /** The filter a component's reference to that marker uses. */
    public static final String FILTER = "(" + PROPERTY + "=true)";

    private Readiness() {
    }
}
