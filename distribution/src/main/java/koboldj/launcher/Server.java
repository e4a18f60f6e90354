package koboldj.launcher;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.framework.startlevel.BundleStartLevel;

import koboldj.config.Readiness;
import koboldj.config.Settings;
import koboldj.config.StartupStages;

/** One run of the server: the Felix container, its bundles, and the wait until it stops. */
final class Server {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(20);
    /** How long the public port may take to open once the runtime is told it has settled. */
    private static final Duration OPEN_TIMEOUT = Duration.ofSeconds(10);
    /** Where Felix's own connector listens: only this launcher talks to it, before the public port opens. */
    static final String LOOPBACK = "127.0.0.1";
    /** Held here: java.util.logging keeps loggers only weakly, and would forget their level. */
    private static final List<Logger> QUIETED = List.of(
            Logger.getLogger("org.glassfish.jersey.internal.inject.Providers"),
            Logger.getLogger("org.glassfish.jersey.server.wadl"));

    private final Installation installation;
    private final Settings settings;
    private final long startedNanos;

    Server(Installation installation, Settings settings, long startedNanos) {
        this.installation = installation;
        this.settings = settings;
        this.startedNanos = startedNanos;
    }

    /** Runs until the container stops; returns the process exit code. */
    int run() {
        String host = settings.text("host").isBlank() ? "0.0.0.0" : settings.text("host");
        int port = settings.integer("port");
        String portProblem = checkPortFree(host, port);
        if (portProblem != null) {
            System.err.println("koboldj: " + portProblem);
            return 1;
        }
        configureLogging(settings.enabled("quiet"));
        int internalPort;
        try {
            internalPort = freeLoopbackPort();
        } catch (IOException e) {
            System.err.println("koboldj: no free loopback port for the start-up checks: " + e.getMessage());
            return 1;
        }
        Path cache = installation.cacheFor(host, port);
        Map<String, String> properties = FrameworkProperties.of(installation, settings, cache, internalPort);
        Framework framework = ServiceLoader.load(FrameworkFactory.class).findFirst()
                .orElseThrow(() -> new IllegalStateException("no OSGi framework on the class path"))
                .newFramework(properties);
        EarlyStarts earlyStarts = new EarlyStarts(framework);
        try {
            Files.createDirectories(cache);
            framework.init();
            StartupStages.reached("framework initialised");
            if (StartupStages.enabled()) {
                framework.getBundleContext().addBundleListener(new SlowBundleStarts());
            }
            framework.getBundleContext().addBundleListener(earlyStarts);
            installBundles(framework.getBundleContext());
            StartupStages.reached("bundles installed");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(framework), "koboldj-shutdown"));
            framework.start();
            StartupStages.reached("framework started (every start level)");
            String failed = bundlesNotActive(framework.getBundleContext());
            if (!failed.isEmpty()) {
                throw new BundleException("these bundles did not start (the log above says why): " + failed);
            }
        } catch (BundleException | IOException | RuntimeException e) {
            System.err.println("koboldj: could not start the container: " + e.getMessage());
            stop(framework);
            return 1;
        }

        // the start-up checks talk to Felix's loopback connector; clients find the port closed
        // until everything below holds, and then only the server's own answers
        if (!new ReadinessProbe(LOOPBACK, internalPort).await(READY_TIMEOUT)) {
            System.err.println("koboldj: the server did not answer HTTP within " + READY_TIMEOUT.toSeconds()
                    + " s; the log above says why");
            stop(framework);
            return 1;
        }
        StartupStages.reached("HTTP (Jetty) answers on the loopback connector");
        if (!new SettledRuntime(framework.getBundleContext(), installation.deployFolder()).await(SETTLE_TIMEOUT)) {
            System.err.println("koboldj: the capability bundles were still starting after " + SETTLE_TIMEOUT.toSeconds() + " s");
        }
        StartupStages.reached("models loaded, routes settled");
        framework.getBundleContext().removeBundleListener(earlyStarts);
        framework.getBundleContext().registerService(Object.class, new Object(),
                FrameworkUtil.asDictionary(Map.of(Readiness.PROPERTY, true)));
        String probeHost = host.equals("0.0.0.0") || host.equals("::") ? LOOPBACK : host;
        if (!new ReadinessProbe(probeHost, port).await(OPEN_TIMEOUT)) {
            System.err.println("koboldj: could not open " + host + ":" + port + "; the log above says why");
            stop(framework);
            return 1;
        }
        StartupStages.reached("public port open");
        double seconds = (System.nanoTime() - startedNanos) / 1e9;
        String shownHost = probeHost.contains(":") ? "[" + probeHost + "]" : probeHost;
        System.out.printf("koboldj is serving at http://%s:%d/ (KoboldAI API /api, OpenAI API /v1) - ready in %.2f s%n",
                shownHost, port, seconds);
        OnReadyCommand.run(settings.text("onready"));

        try {
            framework.waitForStop(0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private void installBundles(BundleContext context) throws BundleException {
        List<Path> jars = new ArrayList<>(Installation.jarsIn(installation.systemBundles()));
        if (settings.enabled("shell")) {
            jars.addAll(Installation.jarsIn(installation.shellBundles()));
        }
        for (Path jar : jars) {
            // reference: installs leave the jar where it is instead of copying it into the cache
            Bundle bundle = context.installBundle("reference:" + jar.toUri());
            bundle.adapt(BundleStartLevel.class).setStartLevel(StartLevels.of(bundle.getSymbolicName()));
            if (bundle.getHeaders().get(Constants.FRAGMENT_HOST) == null) {
                bundle.start();
            }
        }
    }

    /** Platform bundles that should be active but are not; the server cannot work without them. */
    private static String bundlesNotActive(BundleContext context) {
        List<String> names = new ArrayList<>();
        for (Bundle bundle : context.getBundles()) {
            boolean fragment = bundle.getHeaders().get(Constants.FRAGMENT_HOST) != null;
            if (!fragment && bundle.getState() != Bundle.ACTIVE && bundle.getLocation().startsWith("reference:")) {
                names.add(bundle.getSymbolicName());
            }
        }
        return String.join(", ", names);
    }

    private static void stop(Framework framework) {
        try {
            if ((framework.getState() & (Bundle.STARTING | Bundle.ACTIVE)) != 0) {
                framework.stop();
                framework.waitForStop(30_000);
            }
        } catch (BundleException | InterruptedException e) {
            System.err.println("koboldj: stopping the container failed: " + e.getMessage());
        }
    }

    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
            return socket.getLocalPort();
        }
    }

    private static String checkPortFree(String host, int port) {
        // bound, never listening: a server socket would accept (and reset) a client's early connection
        try (Socket socket = new Socket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(host, port));
            return null;
        } catch (IOException e) {
            return "cannot listen on " + host + ":" + port + " (" + e.getMessage()
                    + "); is another server running there? Choose another with --port";
        }
    }

    private static void configureLogging(boolean quiet) {
        setDefault("org.slf4j.simpleLogger.defaultLogLevel", quiet ? "warn" : "info");
        setDefault("org.slf4j.simpleLogger.showDateTime", "true");
        setDefault("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS");
        setDefault("org.slf4j.simpleLogger.showThreadName", "false");
        setDefault("org.slf4j.simpleLogger.showShortLogName", "true");
        setDefault("org.slf4j.simpleLogger.levelInBrackets", "true");
        setDefault("org.slf4j.simpleLogger.log.org.eclipse.jetty", "warn");
        setDefault("org.slf4j.simpleLogger.log.org.eclipse.osgitech", "warn");
        // Jersey and HK2 log through java.util.logging; only their warnings are worth a line, and
        // its notes on how the whiteboard registers resources are not even that
        Logger.getLogger("").setLevel(Level.WARNING);
        QUIETED.forEach(logger -> logger.setLevel(Level.SEVERE));
    }

    private static void setDefault(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
