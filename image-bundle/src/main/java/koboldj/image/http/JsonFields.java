package koboldj.image.http;

import com.fasterxml.jackson.databind.JsonNode;

import koboldj.api.error.ApiException;

/** Typed reads of a request body's fields, each refusal naming the field. A missing or null field takes the default. */
final class JsonFields {
    private final JsonNode body;

    private JsonFields(JsonNode body) {
        this.body = body;
    }

    static JsonFields of(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ApiException.badRequest(null, "The body must be a JSON object, such as {\"prompt\": \"a cat\"}.");
        }
        return new JsonFields(body);
    }

    JsonNode body() {
        return body;
    }

    boolean has(String name) {
        JsonNode value = body.get(name);
        return value != null && !value.isNull();
    }

    String text(String name, String fallback) {
        JsonNode value = body.get(name);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isTextual()) {
            throw ApiException.badRequest(name, "'" + name + "' must be a string.");
        }
        return value.textValue();
    }

    int integer(String name, int fallback) {
        JsonNode value = body.get(name);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isNumber() || value.doubleValue() != Math.rint(value.doubleValue())
                || Math.abs(value.doubleValue()) > Integer.MAX_VALUE) {
            throw ApiException.badRequest(name, "'" + name + "' must be a whole number.");
        }
        return value.intValue();
    }

    long whole(String name, long fallback) {
        JsonNode value = body.get(name);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isNumber() || value.doubleValue() != Math.rint(value.doubleValue()) || !value.canConvertToLong()) {
            throw ApiException.badRequest(name, "'" + name + "' must be a whole number.");
        }
        return value.longValue();
    }

    double number(String name, double fallback) {
        JsonNode value = body.get(name);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isNumber() || !Double.isFinite(value.doubleValue())) {
            throw ApiException.badRequest(name, "'" + name + "' must be a number.");
        }
        return value.doubleValue();
    }

    /** A1111 takes booleans, and 0/1 for some (inpainting_mask_invert). */
    boolean bool(String name, boolean fallback) {
        JsonNode value = body.get(name);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        if (value.isNumber() && (value.intValue() == 0 || value.intValue() == 1) && value.doubleValue() == value.intValue()) {
            return value.intValue() == 1;
        }
        throw ApiException.badRequest(name, "'" + name + "' must be true or false.");
    }
}
