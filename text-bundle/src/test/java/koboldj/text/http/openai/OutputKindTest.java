package koboldj.text.http.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import koboldj.api.dto.ErrorResponse;
import koboldj.api.error.ApiException;
import koboldj.api.text.TextPiece;
import koboldj.server.http.EventStream;

/** output_kind over a stream whose chunks are written as plain markers, so what each kind sends is visible. */
class OutputKindTest {
    /** A stream format that writes "[channel:text]" per piece and "<channel:reason>" at the end. */
    private static final EventStream.Format<TextPiece> MARKERS = new EventStream.Format<>() {
        @Override
        public String event(int channel, TextPiece item) {
            return "[" + channel + ":" + item.text() + "]";
        }

        @Override
        public String finish(int channel, String reason, ErrorResponse error) {
            return "<" + channel + ":" + reason + ">";
        }
    };

    private static TextPiece piece(String text) {
        return new TextPiece(text, List.of());
    }

    private static String run(EventStream.Format<TextPiece> format) {
        StringBuilder out = new StringBuilder();
        out.append(format.event(0, piece("Once")));
        out.append(format.event(1, piece("A")));
        out.append(format.event(0, format.merged(List.of(piece(" upon"), piece(" a")))));
        out.append(format.finish(1, "stop", null));
        out.append(format.event(0, piece(" time")));
        out.append(format.finish(0, "length", null));
        return out.toString();
    }

    @Test
    void deltaIsTheStreamAsItIs() {
        assertSame(MARKERS, OutputKind.of(Map.of()).shape(MARKERS));
        assertSame(MARKERS, OutputKind.of(Map.of("output_kind", "delta")).shape(MARKERS));
    }

    @Test
    void cumulativeSendsTheTextSoFarPerChoice() {
        assertEquals("[0:Once][1:A][0:Once upon a]<1:stop>[0:Once upon a time]<0:length>",
                run(OutputKind.of(Map.of("output_kind", "cumulative")).shape(MARKERS)));
    }

    @Test
    void finalOnlySendsEachChoiceWholeAsItEnds() {
        assertEquals("[1:A]<1:stop>[0:Once upon a time]<0:length>",
                run(OutputKind.of(Map.of("output_kind", "FINAL_ONLY")).shape(MARKERS)));
    }

    @Test
    void otherValuesAreRefusedNamingTheField() {
        for (Object bad : List.of("all", 2, List.of("delta"))) {
            assertEquals("output_kind", assertThrows(ApiException.class, () -> OutputKind.of(Map.of("output_kind", bad))).param());
        }
    }
}
