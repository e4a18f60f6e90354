package koboldj.image.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** JSON text for what the resources write themselves: SSE events and A1111's info string. */
final class ImageJson {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private ImageJson() {
    }

    static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("answers are maps, lists, strings and numbers", e);
        }
    }
}
