package koboldj.audio.http;

import com.fasterxml.jackson.databind.JsonNode;

import koboldj.api.error.ApiException;

/** Optional fields of a JSON body, each checked for its type. */
final class JsonFields {
    private JsonFields() {
    }

    static String text(JsonNode body, String name, String absent) {
        JsonNode value = body.get(name);
        if (value == null || value.isNull()) {
            return absent;
        }
        if (!value.isTextual()) {
            throw ApiException.badRequest(name, "'" + name + "' must be a string, not " + type(value) + ".");
        }
        return value.textValue();
    }

    static boolean bool(JsonNode body, String name, boolean absent) {
        JsonNode value = body.get(name);
        if (value == null || value.isNull()) {
            return absent;
        }
        if (!value.isBoolean()) {
            throw ApiException.badRequest(name, "'" + name + "' must be true or false, not " + type(value) + ".");
        }
        return value.booleanValue();
    }

    private static String type(JsonNode value) {
        return value.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    }
}
