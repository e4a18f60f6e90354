package koboldj.audio.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import koboldj.api.audio.TranscriptSegment;
import koboldj.api.audio.Transcription;

class TranscriptFormatsTest {
    private static final Transcription SPOKEN = new Transcription("And so my fellow Americans, ask not.", "en", 3725.5,
            List.of(new TranscriptSegment(0, 2.5, " And so my fellow Americans,"),
                    new TranscriptSegment(3661.04, 3725.5, " ask not.")));

    @Test
    void srtNumbersCuesWithCommaMilliseconds() {
        assertEquals("1\n00:00:00,000 --> 00:00:02,500\nAnd so my fellow Americans,\n\n"
                + "2\n01:01:01,040 --> 01:02:05,500\nask not.\n\n", TranscriptFormats.srt(SPOKEN));
    }

    @Test
    void vttHasItsHeaderAndDotMilliseconds() {
        assertEquals("WEBVTT\n\n00:00:00.000 --> 00:00:02.500\nAnd so my fellow Americans,\n\n"
                + "01:01:01.040 --> 01:02:05.500\nask not.\n\n", TranscriptFormats.vtt(SPOKEN));
    }

    @Test
    void verboseJsonCarriesTaskLanguageDurationAndSegments() {
        Map<String, Object> body = TranscriptFormats.verboseJson(SPOKEN, true);
        assertEquals("translate", body.get("task"));
        assertEquals("en", body.get("language"));
        assertEquals(3725.5, body.get("duration"));
        assertEquals(SPOKEN.text(), body.get("text"));
        List<?> segments = (List<?>) body.get("segments");
        assertEquals(Map.of("id", 1, "start", 3661.04, "end", 3725.5, "text", " ask not."), segments.get(1));
    }

    @Test
    void plainFormats() {
        assertEquals(Map.of("text", SPOKEN.text()), TranscriptFormats.json(SPOKEN));
        assertEquals(SPOKEN.text() + "\n", TranscriptFormats.text(SPOKEN));
        assertEquals("WEBVTT\n\n", TranscriptFormats.vtt(new Transcription("", "en", 1, List.of())));
    }
}
