package koboldj.audio.tts.encode;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The file formats speech is answered in ({@code response_format} of OpenAI's speech route). */
public enum SpeechFormat {
    /** 16-bit mono PCM in a RIFF/WAVE file whose lengths are left open, since it is streamed. */
    WAV("audio/wav"),
    /** Raw 16-bit little-endian mono samples at 24 kHz, as OpenAI sends them. */
    PCM("audio/pcm"),
    /** Opus at 24 kHz in an Ogg file, encoded by Concentus. */
    OPUS("audio/ogg");

    /** OpenAI's pcm rate, which its clients assume. */
    static final int PCM_RATE = 24_000;

    private final String mediaType;

    SpeechFormat(String mediaType) {
        this.mediaType = mediaType;
    }

    public String mediaType() {
        return mediaType;
    }

    /** Its name in {@code response_format}. */
    public String apiName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<SpeechFormat> byApiName(String name) {
        return Arrays.stream(values()).filter(format -> format.apiName().equalsIgnoreCase(name)).findFirst();
    }

    /** An encoder writing speech of {@code sampleRate} into {@code out}; its header goes out at once. */
    public AudioEncoder encoder(OutputStream out, int sampleRate) throws IOException {
        return switch (this) {
            case WAV -> new WavEncoder(out, sampleRate);
            case PCM -> new PcmEncoder(out, new LinearResampler(sampleRate, PCM_RATE));
            case OPUS -> new OggOpusEncoder(out, sampleRate);
        };
    }
}
