package koboldj.server.port;

import java.io.IOException;
import java.io.UncheckedIOException;

import org.apache.felix.http.jetty.ConnectorFactory;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;

import koboldj.config.Pids;
import koboldj.config.Readiness;
import koboldj.server.limits.DeclaredSizeLimit;
import koboldj.server.security.ServerConfiguration;

/**
 * The port clients connect to (--host, --port), opened once the launcher says the runtime has
 * settled, through Felix's {@link ConnectorFactory} extension. Felix opens Jetty's port before any
 * servlet is registered, and for about two seconds it would answer Jetty's HTML 404s; so Felix's
 * own connector listens on a loopback port only the launcher knows (for its readiness checks) and
 * is closed here once this one is open. The connector also carries what Jetty must do for every
 * request: Jetty's own errors in JSON and --maxrequestsize checked at the header.
 */
@Component(service = ConnectorFactory.class, configurationPid = Pids.SERVER,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
public class PublicPort implements ConnectorFactory {
    private final String host;
    private final int port;
    private final DeclaredSizeLimit sizeLimit;
    /** The Jetty server the port was opened on, and its error handler before ours. */
    private Server server;
    private Request.Handler jettyErrorHandler;

    @Activate
    public PublicPort(ServerConfiguration configuration,
            @Reference(service = Object.class, target = Readiness.FILTER) Object settled) {
        // a reload never changes host and port (KoboldCpp's rule), so they are read once
        this.host = configuration.host().isBlank() ? null : configuration.host();
        this.port = configuration.port();
        this.sizeLimit = new DeclaredSizeLimit(configuration.maxrequestsize());
    }

    @Modified
    void modified(ServerConfiguration configuration) {
        sizeLimit.limit(configuration.maxrequestsize());
    }

    @Override
    public Connector createConnector(Server server) {
        Connector[] internal = server.getConnectors();
        ServerConnector connector = new ServerConnector(server, connectionFactory(internal));
        connector.setHost(host);
        connector.setPort(port);
        for (Connector felix : internal) {
            connector.setIdleTimeout(felix.getIdleTimeout());
        }
        installErrorHandler(server);
        try {
            // bound here rather than when Felix starts it: a port taken meanwhile fails while the
            // internal one is still there, and Felix logs why
            connector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + (host == null ? "*" : host) + ":" + port, e);
        }
        closeInternal(server, internal);
        return connector;
    }

    /** Felix's settings (header and buffer sizes, no Server header) carried over, and the size check added. */
    private HttpConnectionFactory connectionFactory(Connector[] internal) {
        HttpConnectionFactory felix = new HttpConnectionFactory();
        for (Connector connector : internal) {
            HttpConnectionFactory factory = connector.getConnectionFactory(HttpConnectionFactory.class);
            if (factory != null) {
                felix = factory;
            }
        }
        HttpConfiguration http = new HttpConfiguration(felix.getHttpConfiguration());
        http.addCustomizer(sizeLimit);
        HttpConnectionFactory factory = new HttpConnectionFactory(http);
        factory.setInputBufferSize(felix.getInputBufferSize());
        return factory;
    }

    private synchronized void installErrorHandler(Server server) {
        this.server = server;
        this.jettyErrorHandler = server.getErrorHandler();
        server.setErrorHandler(new JsonErrorHandler());
    }

    /** Jetty outlives this bundle; it must not keep calling into it. */
    @Deactivate
    synchronized void restoreErrorHandler() {
        if (server != null) {
            server.setErrorHandler(jettyErrorHandler);
            server = null;
        }
    }

    /** Felix's loopback connector: the launcher has no more use for it, and no client should find a second door. */
    private static void closeInternal(Server server, Connector[] internal) {
        for (Connector connector : internal) {
            try {
                connector.stop();
            } catch (Exception e) {
                throw new IllegalStateException("cannot close Felix's internal connector " + connector, e);
            }
            server.removeConnector(connector);
        }
    }
}
