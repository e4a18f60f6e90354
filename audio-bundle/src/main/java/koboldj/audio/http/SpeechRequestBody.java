package koboldj.audio.http;

import com.fasterxml.jackson.databind.JsonNode;

import koboldj.api.error.ApiException;
import koboldj.audio.tts.encode.SpeechFormat;

/**
 * The fields of a speech request, as KoboldCpp's {@code /api/extra/tts} and OpenAI's
 * {@code /v1/audio/speech} send them ({@code text} and {@code speaker_wav} stand for
 * {@code input} and {@code voice}, as in KoboldCpp); other fields (OpenAI's {@code model},
 * KoboldCpp's {@code speaker_json}) are accepted and ignored.
 *
 * @param input  the text
 * @param voice  the voice name, or null for the default
 * @param speed  1 normal, OpenAI's 0.25-4
 * @param format the answer's format
 */
record SpeechRequestBody(String input, String voice, double speed, SpeechFormat format) {

    static SpeechRequestBody parse(JsonNode body, SpeechFormat defaultFormat) {
        if (body == null || !body.isObject()) {
            throw ApiException.badRequest(null, "The body must be a JSON object such as {\"input\": \"Hello.\", \"voice\": \"alloy\"}.");
        }
        // KoboldCpp also reads XTTS's names of the two
        String input = text(body, "input");
        if (input == null) {
            input = text(body, "text");
        }
        if (input == null) {
            throw ApiException.badRequest("input", "'input' is required: the text to speak.");
        }
        String voice = text(body, "voice");
        if (voice == null) {
            voice = text(body, "speaker_wav");
        }
        double speed = 1;
        JsonNode speedNode = body.get("speed");
        if (speedNode != null && !speedNode.isNull()) {
            if (!speedNode.isNumber()) {
                throw ApiException.badRequest("speed", "'speed' must be a number from 0.25 to 4.");
            }
            speed = speedNode.doubleValue();
        }
        String formatName = text(body, "response_format");
        SpeechFormat format = formatName == null || formatName.isBlank() ? defaultFormat
                : SpeechFormat.byApiName(formatName.strip()).orElseThrow(() -> ApiException.badRequest("response_format",
                        "'response_format' " + formatName + " is not offered here; use one of " + offered() + "."));
        return new SpeechRequestBody(input, voice, speed, format);
    }

    static String offered() {
        StringBuilder names = new StringBuilder();
        for (SpeechFormat format : SpeechFormat.values()) {
            names.append(names.isEmpty() ? "" : ", ").append(format.apiName());
        }
        return names.toString();
    }

    private static String text(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw ApiException.badRequest(field, "'" + field + "' must be a string, not " + node.getNodeType().name().toLowerCase() + ".");
        }
        return node.textValue();
    }
}
