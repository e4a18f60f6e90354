package koboldj.admin.http;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.jakartars.whiteboard.propertytypes.JSONRequired;
import org.osgi.service.jakartars.whiteboard.propertytypes.JakartarsResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import koboldj.admin.folder.AdminFolder;
import koboldj.api.error.ApiException;
import koboldj.api.error.ErrorKind;
import koboldj.api.text.ContextSnapshots;
import koboldj.api.text.ContextSnapshots.Size;
import koboldj.api.text.TextReloads;
import koboldj.config.ConfigurationSwitch;
import koboldj.config.FlagException;
import koboldj.config.TextModelFiles;

/**
 * KoboldCpp's /api/admin routes. Present only while the admin API is on (an {@link AdminFolder}
 * is registered); the server's API key filter checks the admin password first. Failures answer
 * with a JSON error and a fitting status instead of KoboldCpp's 200 {@code "success": false}.
 */
@Component(service = AdminResource.class)
@JakartarsResource
@JSONRequired
@Path("")
@Produces(MediaType.APPLICATION_JSON)
public class AdminResource {
    private static final Logger LOG = LoggerFactory.getLogger(AdminResource.class);
    /** How long a reload waits for the new model to load before answering. */
    static final Duration RELOAD_TIMEOUT = Duration.ofMinutes(5);

    private final AdminFolder folder;
    private final ConfigurationSwitch configurations;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile TextReloads textReloads;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ContextSnapshots snapshots;

    @Activate
    public AdminResource(@Reference AdminFolder folder, @Reference ConfigurationSwitch configurations) {
        this.folder = folder;
        this.configurations = configurations;
    }

    @GET
    @Path("api/admin/list_options")
    public List<String> listOptions() throws IOException {
        return folder.options();
    }

    @POST
    @Path("api/admin/reload_config")
    @Consumes(MediaType.WILDCARD)
    public Map<String, Object> reloadConfig(String body) throws IOException, InterruptedException {
        String name = AdminBodies.filename(AdminBodies.parse(body));
        long revision;
        try {
            if (AdminFolder.UNLOAD_MODEL.equals(name)) {
                LOG.info("Admin: unloading the text model");
                revision = configurations.unloadTextModel();
            } else {
                java.nio.file.Path file = folder.resolve(name);
                LOG.info("Admin: switching to {}", file.getFileName());
                revision = configurations.apply(file);
            }
        } catch (FlagException e) {
            throw ApiException.badRequest("filename", name + " is not a configuration koboldj can use: " + e.getMessage());
        }
        TextReloads reloads = textReloads;
        if (reloads != null) {
            Optional<String> failure;
            try {
                failure = reloads.await(revision, RELOAD_TIMEOUT);
            } catch (TimeoutException e) {
                throw new ApiException(ErrorKind.BUSY, "The new configuration is still being applied after "
                        + RELOAD_TIMEOUT.toMinutes() + " minutes; GET /api/v1/model shows when its model serves.");
            }
            if (failure.isPresent()) {
                String reason = failure.get().endsWith(".") ? failure.get() : failure.get() + ".";
                throw ApiException.badRequest("filename", reason + " The previous text model keeps serving.");
            }
        }
        return Map.of("success", true);
    }

    /**
     * koboldj: loads one more text model, the others serving on: {@code {"filename": "x.gguf"}}, a
     * GGUF file in --modeldir or the admin folder. It is served under its file name without .gguf.
     */
    @POST
    @Path("api/admin/load_model")
    @Consumes(MediaType.WILDCARD)
    public Map<String, Object> loadModel(String body) throws IOException, InterruptedException {
        java.nio.file.Path file = modelFile(AdminBodies.filename(AdminBodies.parse(body)));
        LOG.info("Admin: loading the text model {}", file.getFileName());
        long revision;
        try {
            revision = configurations.loadTextModel(file);
        } catch (FlagException e) {
            throw ApiException.badRequest("filename", e.getMessage() + ".");
        }
        Optional<String> failure = outcome(revision);
        if (failure.isPresent()) {
            try {
                configurations.unloadTextModel(AdminBodies.modelName(file));
            } catch (FlagException e) {
                // not listed any more: nothing to take back
            }
            throw ApiException.badRequest("filename", sentence(failure.get()) + " The other text models keep serving.");
        }
        return Map.of("success", true, "model", AdminBodies.modelName(file));
    }

    /** koboldj: unloads the text model {@code {"model": "NAME"}} names, the others serving on. */
    @POST
    @Path("api/admin/unload_model")
    @Consumes(MediaType.WILDCARD)
    public Map<String, Object> unloadModel(String body) throws IOException, InterruptedException {
        String name = AdminBodies.model(AdminBodies.parse(body));
        LOG.info("Admin: unloading the text model {}", name);
        long revision;
        try {
            revision = configurations.unloadTextModel(name);
        } catch (FlagException e) {
            throw new ApiException(ErrorKind.NOT_FOUND, e.getMessage() + ".", "model");
        }
        outcome(revision).ifPresent(failure -> {
            throw ApiException.badRequest("model", sentence(failure));
        });
        return Map.of("success", true);
    }

    /** A GGUF file by its plain name: from --modeldir if it is there, else from the admin folder. */
    private java.nio.file.Path modelFile(String name) {
        if (name == null || !name.toLowerCase(Locale.ROOT).endsWith(".gguf")) {
            throw ApiException.badRequest("filename", "'filename' must name a .gguf file in --modeldir or the admin folder.");
        }
        Optional<java.nio.file.Path> folder = configurations.modelFolder();
        if (folder.isPresent() && !name.contains("/") && !name.contains("\\")) {
            try {
                for (java.nio.file.Path file : TextModelFiles.inFolder(folder.get())) {
                    if (file.getFileName().toString().equals(name)) {
                        return file;
                    }
                }
            } catch (FlagException e) {
                LOG.warn("The model folder cannot be read: {}", e.getMessage());
            }
        }
        return this.folder.resolve(name);
    }

    /** Waits for the text engine to apply a configuration; empty when it did, else why not. */
    private Optional<String> outcome(long revision) throws InterruptedException {
        TextReloads reloads = textReloads;
        if (reloads == null) {
            return Optional.empty();
        }
        try {
            return reloads.await(revision, RELOAD_TIMEOUT);
        } catch (TimeoutException e) {
            throw new ApiException(ErrorKind.BUSY, "The new configuration is still being applied after "
                    + RELOAD_TIMEOUT.toMinutes() + " minutes; GET /v1/models shows when its models serve.");
        }
    }

    private static String sentence(String text) {
        return text.endsWith(".") ? text : text + ".";
    }

    @POST
    @Path("api/admin/check_state")
    @Consumes(MediaType.WILDCARD)
    public Map<String, Object> checkState() {
        ContextSnapshots.Report report = snapshots().check();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("success", true);
        body.put("old_states", report.saved().stream().map(size -> Map.of("tokens", size.tokens(), "size", size.bytes())).toList());
        body.put("new_state_size", report.current().bytes());
        body.put("new_tokens", report.current().tokens());
        return body;
    }

    @POST
    @Path("api/admin/save_state")
    @Consumes(MediaType.WILDCARD)
    public Map<String, Object> saveState(String body) {
        int slot = AdminBodies.slot(AdminBodies.parse(body));
        Size saved = snapshots().save(slot);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("success", saved.bytes() > 0);
        answer.put("new_state_size", saved.bytes());
        answer.put("new_tokens", saved.tokens());
        return answer;
    }

    @POST
    @Path("api/admin/load_state")
    @Consumes(MediaType.WILDCARD)
    public Map<String, Object> loadState(String body) {
        int slot = AdminBodies.slot(AdminBodies.parse(body));
        int tokens = snapshots().load(slot);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("success", tokens >= 0);
        answer.put("new_tokens", Math.max(0, tokens));
        return answer;
    }

    @POST
    @Path("api/admin/clear_state")
    @Consumes(MediaType.WILDCARD)
    public Map<String, Object> clearState() {
        snapshots().clear();
        return Map.of("success", true);
    }

    private ContextSnapshots snapshots() {
        ContextSnapshots current = snapshots;
        if (current == null) {
            throw new ApiException(ErrorKind.CAPABILITY_MISSING,
                    "Save states need a text model: start koboldj with --model FILE.gguf or switch to a configuration with one.");
        }
        return current;
    }
}
