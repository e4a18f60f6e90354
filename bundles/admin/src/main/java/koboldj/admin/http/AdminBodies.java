package koboldj.admin.http;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

import koboldj.api.error.ApiException;
import koboldj.api.text.ContextSnapshots;
import koboldj.config.TextModelFiles;

/** Reads the small JSON bodies of the admin routes; an empty body counts as {@code {}}. */
final class AdminBodies {
    private static final ObjectMapper JSON = new ObjectMapper();

    private AdminBodies() {
    }

    static Map<?, ?> parse(String body) {
        if (body == null || body.isBlank()) {
            return Map.of();
        }
        try {
            Object value = JSON.readValue(body, Object.class);
            if (value instanceof Map<?, ?> map) {
                return map;
            }
        } catch (IOException e) {
            // answered below
        }
        throw ApiException.badRequest(null, "The body must be a JSON object.");
    }

    /** KoboldCpp's save-state slot: 0 when absent, slots past the last fall back to 0. */
    static int slot(Map<?, ?> body) {
        Object value = body.get("slot");
        if (value == null) {
            return 0;
        }
        if (!(value instanceof Integer slot) || slot < 0) {
            throw ApiException.badRequest("slot", "'slot' must be a whole number from 0 to " + (ContextSnapshots.SLOTS - 1) + ".");
        }
        return slot < ContextSnapshots.SLOTS ? slot : 0;
    }

    static String filename(Map<?, ?> body) {
        Object value = body.get("filename");
        if (value != null && !(value instanceof String)) {
            throw ApiException.badRequest("filename", "'filename' must be a string.");
        }
        return (String) value;
    }

    /** The {@code model} a body names: a loaded model's name. */
    static String model(Map<?, ?> body) {
        Object value = body.get("model");
        if (!(value instanceof String name) || name.isBlank()) {
            throw ApiException.badRequest("model", "'model' is required: the name of a loaded text model, as GET /v1/models lists it.");
        }
        return name;
    }

    /** The name a model file is served under. */
    static String modelName(Path file) {
        return TextModelFiles.name(file);
    }
}
