package koboldj.audio.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import koboldj.api.audio.TranscriptSegment;
import koboldj.api.audio.Transcription;

/** OpenAI's response formats of a transcription: json, text, srt, vtt, verbose_json. */
final class TranscriptFormats {
    private TranscriptFormats() {
    }

    static Map<String, Object> json(Transcription transcription) {
        return Map.of("text", transcription.text());
    }

    static String text(Transcription transcription) {
        return transcription.text() + "\n";
    }

    /** SubRip: numbered cues, times as HH:MM:SS,mmm. */
    static String srt(Transcription transcription) {
        StringBuilder out = new StringBuilder();
        List<TranscriptSegment> segments = transcription.segments();
        for (int i = 0; i < segments.size(); i++) {
            TranscriptSegment segment = segments.get(i);
            out.append(i + 1).append('\n')
                    .append(time(segment.startSeconds(), ',')).append(" --> ").append(time(segment.endSeconds(), ','))
                    .append('\n').append(segment.text().strip()).append("\n\n");
        }
        return out.toString();
    }

    /** WebVTT: the header, then cues with times as HH:MM:SS.mmm. */
    static String vtt(Transcription transcription) {
        StringBuilder out = new StringBuilder("WEBVTT\n\n");
        for (TranscriptSegment segment : transcription.segments()) {
            out.append(time(segment.startSeconds(), '.')).append(" --> ").append(time(segment.endSeconds(), '.'))
                    .append('\n').append(segment.text().strip()).append("\n\n");
        }
        return out.toString();
    }

    static Map<String, Object> verboseJson(Transcription transcription, boolean translated) {
        List<Map<String, Object>> segments = new ArrayList<>();
        List<TranscriptSegment> pieces = transcription.segments();
        for (int i = 0; i < pieces.size(); i++) {
            TranscriptSegment piece = pieces.get(i);
            Map<String, Object> segment = new LinkedHashMap<>();
            segment.put("id", i);
            segment.put("start", piece.startSeconds());
            segment.put("end", piece.endSeconds());
            segment.put("text", piece.text());
            segments.add(segment);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("task", translated ? "translate" : "transcribe");
        body.put("language", transcription.language());
        body.put("duration", transcription.durationSeconds());
        body.put("text", transcription.text());
        body.put("segments", segments);
        return body;
    }

    static String time(double seconds, char decimalMark) {
        long millis = Math.round(Math.max(0, seconds) * 1000);
        return String.format(Locale.ROOT, "%02d:%02d:%02d%c%03d", millis / 3_600_000, millis / 60_000 % 60,
                millis / 1000 % 60, decimalMark, millis % 1000);
    }
}
