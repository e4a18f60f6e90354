package koboldj.audio.tts;

import java.util.List;

import koboldj.api.audio.SpeechSynthesizer;
import koboldj.api.error.ApiException;
import koboldj.audio.tts.espeak.EspeakLibrary;

/**
 * Speech from espeak-ng: the request is checked whole before anything is spoken, then the text is
 * spoken a sentence at a time, each handed on as soon as it is ready.
 */
public final class EspeakSynthesizer implements SpeechSynthesizer {
    /** OpenAI's range for {@code speed}. */
    public static final double MIN_SPEED = 0.25;
    public static final double MAX_SPEED = 4.0;
    /** Longest piece given to the library at once, in characters. */
    static final int MAX_PIECE_CHARS = 400;

    private final EspeakLibrary library;
    private final VoiceCatalog catalog;
    private final SentenceSplitter splitter = new SentenceSplitter(MAX_PIECE_CHARS);
    private final int maxInputChars;

    public EspeakSynthesizer(EspeakLibrary library, int maxInputChars) {
        this.library = library;
        this.catalog = new VoiceCatalog(library.voices(), library.variants());
        this.maxInputChars = maxInputChars;
    }

    @Override
    public int sampleRate() {
        return library.sampleRate();
    }

    @Override
    public List<String> voices() {
        return catalog.names();
    }

    @Override
    public int maxInputChars() {
        return maxInputChars;
    }

    @Override
    public Speech prepare(String text, String voice, double speed) {
        if (text == null || text.isBlank()) {
            throw ApiException.badRequest("input", "'input' is empty: give the text to speak.");
        }
        if (text.length() > maxInputChars) {
            throw ApiException.badRequest("input", "'input' has " + text.length() + " characters; at most " + maxInputChars
                    + " are spoken at once.");
        }
        String espeakVoice = catalog.resolve(voice).orElseThrow(() -> ApiException.badRequest("voice",
                "'voice' " + voice + " is not a voice here; GET /api/extra/tts/voices lists them."));
        if (!(speed >= MIN_SPEED && speed <= MAX_SPEED)) {
            throw ApiException.badRequest("speed", "'speed' must be from " + MIN_SPEED + " to " + MAX_SPEED + ", not " + speed);
        }
        int rate = (int) Math.max(EspeakLibrary.MIN_RATE, Math.min(EspeakLibrary.MAX_RATE, Math.round(EspeakLibrary.NORMAL_RATE * speed)));
        List<String> pieces = splitter.split(text);
        return output -> {
            for (String piece : pieces) {
                short[] samples = library.synthesize(piece, espeakVoice, rate);
                output.write(samples, samples.length);
                output.pieceDone();
            }
        };
    }
}
