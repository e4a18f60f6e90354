package koboldj.storage.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import koboldj.api.error.ApiException;

/**
 * Reads the fields of a KoboldCpp storage request body with KoboldCpp's leniency (a slot may come
 * as a number or as a numeric string) but without its silent fallbacks: a field of the wrong type
 * is a 400 that names it.
 */
final class BodyFields {
    private final JsonNode body;

    private BodyFields(JsonNode body) {
        this.body = body;
    }

    static BodyFields of(JsonNode body) {
        if (body == null || body.isMissingNode() || body.isNull()) {
            throw ApiException.badRequest(null, "The request needs a JSON object body.");
        }
        if (!body.isObject()) {
            throw ApiException.badRequest(null, "The body must be a JSON object, not "
                    + body.getNodeType().name().toLowerCase() + ".");
        }
        return new BodyFields(body);
    }

    /** Like {@link #of} but an absent body counts as {@code {}} (for requests whose fields are all optional). */
    static BodyFields ofOptional(JsonNode body) {
        boolean absent = body == null || body.isMissingNode() || body.isNull();
        return absent ? new BodyFields(JsonNodeFactory.instance.objectNode()) : of(body);
    }

    boolean has(String name) {
        return body.has(name);
    }

    /** A whole number given as a JSON number or a numeric string; required. */
    int wholeNumber(String name) {
        JsonNode value = body.get(name);
        if (value == null || value.isNull()) {
            throw ApiException.badRequest(name, "'" + name + "' is required.");
        }
        if (value.isIntegralNumber() && value.canConvertToInt()) {
            return value.intValue();
        }
        double number = value.doubleValue();
        if (value.isNumber() && number == Math.rint(number) && Math.abs(number) < Integer.MAX_VALUE) {
            return (int) number;
        }
        if (value.isTextual()) {
            try {
                return Integer.parseInt(value.textValue().strip());
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw ApiException.badRequest(name, "'" + name + "' must be a whole number, not " + value + ".");
    }

    /** A string, or {@code fallback} when absent or null. */
    String text(String name, String fallback) {
        JsonNode value = body.get(name);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isTextual()) {
            throw ApiException.badRequest(name, "'" + name + "' must be a string, not "
                    + value.getNodeType().name().toLowerCase() + ".");
        }
        return value.textValue();
    }

    /** A boolean, or false when absent or null. */
    boolean flag(String name) {
        JsonNode value = body.get(name);
        if (value == null || value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            throw ApiException.badRequest(name, "'" + name + "' must be true or false, not " + value + ".");
        }
        return value.booleanValue();
    }
}
