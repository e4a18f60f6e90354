package koboldj.audio.tts.encode;

import java.io.IOException;

import koboldj.api.audio.SpeechSynthesizer.PcmOutput;

/**
 * Writes speech into one file format as it comes, piece by piece, for a streamed answer: a piece's
 * end sends what the format can send so far.
 */
public interface AudioEncoder extends PcmOutput {

    /** Writes what comes after the last samples. */
    void finish() throws IOException;
}
