package koboldj.text.http.openai;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import koboldj.api.dto.ErrorResponse;
import koboldj.api.error.ApiException;
import koboldj.api.text.TextPiece;
import koboldj.api.text.TokenLogprob;
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
    EventStream.Format<TextPiece> shape(EventStream.Format<TextPiece> deltas) {
        return this == DELTA ? deltas : new Gathering(deltas, this == CUMULATIVE);
    }

    /** Keeps each choice's text (and logprobs) so far, and sends it on every piece or only at the end. */
    private static final class Gathering implements EventStream.Format<TextPiece> {
        private final EventStream.Format<TextPiece> deltas;
        private final boolean everyPiece;
        private final Map<Integer, Gathered> texts = new ConcurrentHashMap<>();

        /** One choice's pieces so far. */
        private record Gathered(StringBuilder text, List<TokenLogprob> logprobs) {
            TextPiece add(TextPiece piece) {
                text.append(piece.text());
                logprobs.addAll(piece.logprobs());
                return whole();
            }

            TextPiece whole() {
                return new TextPiece(text.toString(), logprobs);
            }
        }

        Gathering(EventStream.Format<TextPiece> deltas, boolean everyPiece) {
            this.deltas = deltas;
            this.everyPiece = everyPiece;
        }

        @Override
        public String opening(int channel) {
            return deltas.opening(channel);
        }

        @Override
        public String event(int channel, TextPiece piece) {
            TextPiece sofar = texts.computeIfAbsent(channel, c -> new Gathered(new StringBuilder(), new ArrayList<>())).add(piece);
            return everyPiece ? deltas.event(channel, sofar) : "";
        }

        @Override
        public TextPiece merged(List<TextPiece> pieces) {
            return ChunkStream.joined(pieces);
        }

        @Override
        public String finish(int channel, String reason, ErrorResponse error) {
            Gathered gathered = texts.remove(channel);
            String last = everyPiece || gathered == null ? "" : deltas.event(channel, gathered.whole());
            return last + deltas.finish(channel, reason, error);
        }

        @Override
        public String end() {
            return deltas.end();
        }
    }
}
