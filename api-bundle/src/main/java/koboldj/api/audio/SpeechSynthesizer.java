package koboldj.api.audio;

import java.io.IOException;
import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A text-to-speech engine. Registered with {@code koboldj.capability=tts}. It speaks in 16-bit mono
 * PCM at {@link #sampleRate()}; encoding into a file format is the caller's business.
 */
@ProviderType
public interface SpeechSynthesizer {

    /** Samples per second of what {@link Speech#render} writes. */
    int sampleRate();

    /** Voice names {@link #prepare} accepts, in the order to list them. */
    List<String> voices();

    /** Longest text {@link #prepare} accepts, in characters. */
    int maxInputChars();

    /**
     * Checks a request before anything is spoken, so that a bad one is answered before a response
     * starts.
     *
     * @param speed 1 is the engine's normal pace
     * @throws koboldj.api.error.ApiException BAD_REQUEST naming {@code input}, {@code voice} or {@code speed}
     */
    Speech prepare(String text, String voice, double speed);

    /** A checked request, spoken piece by piece (a sentence at a time) so that playback can start early. */
    interface Speech {
        /**
         * Speaks the whole text into {@code output}, a piece at a time.
         *
         * @throws IOException what {@code output} threw (a client gone away); speaking stops there
         */
        void render(PcmOutput output) throws IOException;
    }

    /** Where speech goes: mono 16-bit samples, called once or more per piece. */
    @FunctionalInterface
    interface PcmOutput {
        void write(short[] samples, int count) throws IOException;

        /** A piece (a sentence) is complete: a streaming answer sends what it has. */
        default void pieceDone() throws IOException {
        }
    }
}
