package koboldj.storage.http;

import java.io.IOException;
import java.nio.file.Path;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.jakartars.whiteboard.propertytypes.JSONRequired;
import org.osgi.service.jakartars.whiteboard.propertytypes.JakartarsResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import koboldj.config.Pids;
import koboldj.storage.preload.PreloadedStory;
import koboldj.storage.service.StorageConfiguration;

/** {@code GET /api/extra/preloadstory}: the --preloadstory JSON, or {@code {}}. */
@Component(service = PreloadStoryResource.class, configurationPid = Pids.STORAGE,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@JakartarsResource
@JSONRequired
@jakarta.ws.rs.Path("")
public class PreloadStoryResource {
    private static final Logger LOG = LoggerFactory.getLogger(PreloadStoryResource.class);

    private final PreloadedStory story;

    @Activate
    public PreloadStoryResource(StorageConfiguration configuration) {
        PreloadedStory loaded;
        try {
            loaded = PreloadedStory.from(configuration.preloadstory(), Path.of("").toAbsolutePath());
        } catch (IOException e) {
            LOG.error("No story is preloaded: {}", e.getMessage());
            loaded = PreloadedStory.none();
        }
        story = loaded;
    }

    @GET
    @jakarta.ws.rs.Path("api/extra/preloadstory")
    @Produces(MediaType.APPLICATION_JSON)
    public byte[] preloadstory() {
        return story.json();
    }
}
