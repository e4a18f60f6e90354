package koboldj.launcher;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Hashtable;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.launch.Framework;
import org.osgi.service.jakartars.runtime.JakartarsServiceRuntime;
import org.osgi.service.jakartars.runtime.dto.ApplicationDTO;
import org.osgi.service.jakartars.runtime.dto.ResourceDTO;
import org.osgi.service.jakartars.runtime.dto.RuntimeDTO;

/**
 * In a real Felix, with a REST runtime that lists what it was told to: the wait ends once every
 * registered resource is listed and no model loads, and never on a timeout while one does.
 */
class SettledRuntimeTest {
    private static final String LOADING = "koboldj.capability.loading";

    @TempDir
    Path folder;
    private Framework framework;
    private BundleContext context;
    private final ListingRuntime runtime = new ListingRuntime();
    private ServiceRegistration<JakartarsServiceRuntime> runtimeRegistration;
    private long changeCount;

    @BeforeEach
    void startFramework() throws Exception {
        framework = TestFramework.initialised(folder);
        framework.start();
        context = framework.getBundleContext();
        Files.createDirectories(folder.resolve("bundles"));
        runtimeRegistration = context.registerService(JakartarsServiceRuntime.class, runtime, countProperties());
    }

    @AfterEach
    void stopFramework() throws Exception {
        TestFramework.stop(framework);
    }

    @Test
    void aResourceTheRuntimeHasNotListedYetHoldsTheWaitUntilItDoes() throws Exception {
        long resource = register(Map.of("osgi.jakartars.resource", "true"));
        CompletableFuture<Boolean> settled = awaitAside(Duration.ofSeconds(20));
        Thread.sleep(500);
        assertFalse(settled.isDone(), "settled before the runtime listed the resource");
        list(resource);
        assertTrue(settled.get(2, TimeUnit.SECONDS));
    }

    @Test
    void aLoadingModelHoldsTheWaitPastItsTimeout() throws Exception {
        ServiceRegistration<?> notice = context.registerService(Object.class, new Object(),
                new Hashtable<>(Map.of(LOADING, "text")));
        CompletableFuture<Boolean> settled = awaitAside(Duration.ofMillis(300));
        Thread.sleep(1000);
        assertFalse(settled.isDone(), "the timeout ended the wait while a model loads");
        notice.unregister();
        assertTrue(settled.get(2, TimeUnit.SECONDS));
    }

    @Test
    void aResourceTheRuntimeNeverListsHoldsTheWaitForASecondOnly() throws Exception {
        register(Map.of("osgi.jakartars.resource", "true"));
        long started = System.nanoTime();
        assertTrue(awaitAside(Duration.ofSeconds(20)).get(5, TimeUnit.SECONDS));
        assertTrue(System.nanoTime() - started >= Duration.ofSeconds(1).toNanos(), "settled without waiting for it");
    }

    @Test
    void aCapabilityJarNeverInstalledEndsTheWaitAtItsTimeout() throws Exception {
        Files.write(folder.resolve("bundles").resolve("never.jar"), new byte[0]);
        assertFalse(awaitAside(Duration.ofMillis(500)).get(5, TimeUnit.SECONDS));
    }

    private CompletableFuture<Boolean> awaitAside(Duration timeout) {
        SettledRuntime settled = new SettledRuntime(context, folder.resolve("bundles"));
        return CompletableFuture.supplyAsync(() -> settled.await(timeout));
    }

    private long register(Map<String, String> properties) {
        return (Long) context.registerService(Object.class, new Object(), new Hashtable<>(properties)).getReference()
                .getProperty(Constants.SERVICE_ID);
    }

    /** As the whiteboard does after a rebuild: the new DTO, then a new change count. */
    private void list(long serviceId) {
        ResourceDTO resource = new ResourceDTO();
        resource.serviceId = serviceId;
        ApplicationDTO application = new ApplicationDTO();
        application.resourceDTOs = new ResourceDTO[] {resource};
        runtime.dto.defaultApplication = application;
        runtimeRegistration.setProperties(countProperties());
    }

    private Hashtable<String, Object> countProperties() {
        return new Hashtable<>(Map.of(Constants.SERVICE_CHANGECOUNT, ++changeCount));
    }

    private static final class ListingRuntime implements JakartarsServiceRuntime {
        volatile RuntimeDTO dto = new RuntimeDTO();

        @Override
        public RuntimeDTO getRuntimeDTO() {
            return dto;
        }
    }
}
