package koboldj.audio.stt;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.givimad.whisperjni.WhisperContext;
import io.github.givimad.whisperjni.WhisperFullParams;
import io.github.givimad.whisperjni.WhisperJNI;
import io.github.givimad.whisperjni.WhisperSamplingStrategy;
import io.github.givimad.whisperjni.WhisperState;

import koboldj.api.audio.TranscriptSegment;

/**
 * The one class that talks to whisper.cpp (through whisper-jni): a loaded model and its decoding
 * state. Not safe for several threads — callers take turns. whisper-jni extracts its own
 * libggml/libwhisper from this bundle into a temporary folder and loads them privately, so they
 * live beside the text engine's ggml without sharing its symbols.
 */
final class WhisperModel implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WhisperModel.class);
    /** whisper.cpp's timestamps count hundredths of a second. */
    private static final double TICKS_PER_SECOND = 100.0;
    private static boolean libraryLoaded;

    private final WhisperJNI whisper;
    private final WhisperContext context;
    private final WhisperState state;
    private final int threads;
    private final boolean multilingual;

    private WhisperModel(WhisperJNI whisper, WhisperContext context, WhisperState state, int threads) {
        this.whisper = whisper;
        this.context = context;
        this.state = state;
        this.threads = threads;
        this.multilingual = whisper.isMultilingual(context);
    }

    static WhisperModel load(Path file, int threads) throws IOException {
        loadLibrary();
        WhisperJNI whisper = new WhisperJNI();
        WhisperContext context = whisper.initNoState(file);
        WhisperState state = whisper.initState(context);
        if (state == null) {
            whisper.free(context);
            throw new IOException("whisper.cpp could not allocate a decoding state for " + file);
        }
        return new WhisperModel(whisper, context, state, threads);
    }

    private static synchronized void loadLibrary() throws IOException {
        if (!libraryLoaded) {
            WhisperJNI.loadLibrary(LOG::debug);
            WhisperJNI.setLibraryLogger(line -> {
                DetectedLanguage.observe(line);
                LOG.debug(line);
            });
            libraryLoaded = true;
        }
    }

    boolean multilingual() {
        return multilingual;
    }

    /**
     * What was heard, in the language given or, for "auto", the one whisper.cpp detected (null if it
     * said none).
     */
    record Heard(String language, List<TranscriptSegment> segments) {
    }

    /**
     * The whole of {@code samples} (16 kHz mono): whisper.cpp walks it in 30-second windows and
     * returns the segments of all of them with times from the start.
     *
     * @param language a code from {@link WhisperLanguages}, or "auto"
     */
    Heard transcribe(float[] samples, String language, String prompt, boolean translate,
            boolean suppressNonSpeech, float temperature) throws IOException {
        WhisperFullParams params = new WhisperFullParams(WhisperSamplingStrategy.GREEDY);
        params.nThreads = threads;
        params.language = language;
        params.translate = translate;
        params.initialPrompt = prompt.isEmpty() ? null : prompt;
        params.suppressNonSpeechTokens = suppressNonSpeech;
        params.temperature = temperature;
        params.printProgress = false;
        params.printRealtime = false;
        params.printTimestamps = false;
        String detected = DetectedLanguage.during(() -> {
            int result = whisper.fullWithState(context, state, params, samples, samples.length);
            if (result != 0) {
                throw new IOException("whisper.cpp failed to transcribe (code " + result + ")");
            }
        });
        int count = whisper.fullNSegmentsFromState(state);
        List<TranscriptSegment> segments = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            segments.add(new TranscriptSegment(whisper.fullGetSegmentTimestamp0FromState(state, i) / TICKS_PER_SECOND,
                    whisper.fullGetSegmentTimestamp1FromState(state, i) / TICKS_PER_SECOND,
                    whisper.fullGetSegmentTextFromState(state, i)));
        }
        return new Heard(WhisperLanguages.AUTO.equals(language) ? detected : language, segments);
    }

    @Override
    public void close() {
        whisper.free(state);
        whisper.free(context);
    }
}
