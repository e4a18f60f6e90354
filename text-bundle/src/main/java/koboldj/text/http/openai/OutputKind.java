package koboldj.text.http.openai;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import koboldj.api.dto.ErrorResponse;
import koboldj.api.error.ApiException;
import koboldj.server.http.EventStream;

/**
 * Aphrodite's {@code output_kind} for streams: {@code delta} (the default, as OpenAI streams) sends
 * each new piece; {@code cumulative} sends in each chunk the whole text so far; {@code final_only}
 * sends one chunk per choice with its whole text when it ends. A whole answer is final whatever the kind.
 */
enum OutputKind {
    DELTA, CUMULATIVE, FINAL_ONLY;

    static final String FIELD = "output_kind";

    static OutputKind of(Map<String, Object> fields) {
        Object value = fields.get(FIELD);
        if (value == null) {
            return DELTA;
        }
        if (value instanceof String name) {
            for (OutputKind kind : values()) {
                if (kind.name().toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
                    return kind;
                }
            }
        }
        throw ApiException.badRequest(FIELD, "'output_kind' must be \"cumulative\", \"delta\" or \"final_only\".");
    }

    /** The stream's chunks as this kind sends them. */
    EventStream.Format<String> shape(EventStream.Format<String> deltas) {
        return this == DELTA ? deltas : new Gathering(deltas, this == CUMULATIVE);
    }

    /** Keeps each choice's text so far, and sends it on every piece or only at the end. */
    private static final class Gathering implements EventStream.Format<String> {
        private final EventStream.Format<String> deltas;
        private final boolean everyPiece;
        private final Map<Integer, StringBuilder> texts = new ConcurrentHashMap<>();

        Gathering(EventStream.Format<String> deltas, boolean everyPiece) {
            this.deltas = deltas;
            this.everyPiece = everyPiece;
        }

        @Override
        public String opening(int channel) {
            return deltas.opening(channel);
        }

        @Override
        public String event(int channel, String piece) {
            StringBuilder text = texts.computeIfAbsent(channel, c -> new StringBuilder()).append(piece);
            return everyPiece ? deltas.event(channel, text.toString()) : "";
        }

        @Override
        public String merged(List<String> pieces) {
            return String.join("", pieces);
        }

        @Override
        public String finish(int channel, String reason, ErrorResponse error) {
            StringBuilder text = texts.remove(channel);
            String last = everyPiece || text == null ? "" : deltas.event(channel, text.toString());
            return last + deltas.finish(channel, reason, error);
        }

        @Override
        public String end() {
            return deltas.end();
        }
    }
}
