package koboldj.audio.stt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class DetectedLanguageTest {
    private static final String WHISPER_LINE = "whisper_full_with_state: auto-detected language: de (p = 0.912345)\n";

    @Test
    void theLineWhisperLogsOnTheTranscribingThreadNamesTheLanguage() {
        assertEquals("de", DetectedLanguage.during(() -> {
            DetectedLanguage.observe("whisper_model_load: n_langs       = 99");
            DetectedLanguage.observe(WHISPER_LINE);
        }));
        assertEquals("haw", DetectedLanguage.during(() -> DetectedLanguage.observe("auto-detected language: haw (p = 0.5)")));
    }

    @Test
    void linesOfOtherThreadsAndOfNoTranscriptionAreNotHeard() throws Exception {
        DetectedLanguage.observe(WHISPER_LINE);
        assertNull(DetectedLanguage.during(() -> {
            Thread other = Thread.ofPlatform().start(() -> DetectedLanguage.observe(WHISPER_LINE));
            other.join();
        }));
    }
}
