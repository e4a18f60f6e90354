package koboldj.api.audio;

import java.util.List;

/**
 * @param text            what was said
 * @param language        the language used or detected
 * @param durationSeconds length of the audio
 * @param segments        what was said, piece by piece with its times, in order
 */
public record Transcription(String text, String language, double durationSeconds, List<TranscriptSegment> segments) {

    public Transcription {
        segments = List.copyOf(segments);
    }
}
