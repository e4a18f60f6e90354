package koboldj.audio.stt;

import java.io.IOException;
import java.util.List;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import koboldj.api.audio.TranscriptSegment;
import koboldj.api.audio.Transcriber;
import koboldj.api.audio.Transcription;
import koboldj.api.audio.TranscriptionRequest;
import koboldj.api.error.ApiException;
import koboldj.api.error.ErrorKind;
import koboldj.api.model.ModelDescriptor;
import koboldj.audio.decode.AudioDecoding;
import koboldj.audio.decode.DecodedAudio;
import koboldj.audio.decode.UnreadableAudioException;

/** Speech to text with a loaded Whisper model: checks the request, decodes the audio, waits its turn. */
final class WhisperTranscriber implements Transcriber, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WhisperTranscriber.class);
    static final int WHISPER_RATE = 16_000;
    /** whisper.cpp keeps half its 448-token text context for a prompt; 4 characters a token is generous. */
    static final int MAX_PROMPT_CHARS = 224 * 4;
    /** The error parameter that names the audio; the routes name their own field. */
    static final String AUDIO = "audio";

    private final WhisperModel model;
    private final ModelDescriptor descriptor;
    private final TranscriptionQueue queue;
    private final double maxSeconds;

    WhisperTranscriber(WhisperModel model, ModelDescriptor descriptor, TranscriptionQueue queue, double maxSeconds) {
        this.model = model;
        this.descriptor = descriptor;
        this.queue = queue;
        this.maxSeconds = maxSeconds;
    }

    @Override
    public ModelDescriptor model() {
        return descriptor;
    }

    @Override
    public Transcription transcribe(TranscriptionRequest request) {
        String language = language(request.language());
        String prompt = request.prompt() == null ? "" : request.prompt();
        if (prompt.length() > MAX_PROMPT_CHARS) {
            throw ApiException.badRequest("prompt", "'prompt' is longer than " + MAX_PROMPT_CHARS + " characters.");
        }
        if (!(request.temperature() >= 0 && request.temperature() <= 1)) {
            throw ApiException.badRequest("temperature", "'temperature' must be between 0 and 1.");
        }
        try (TranscriptionQueue.Ticket ticket = queue.enter()) {
            DecodedAudio audio = decode(request.audio());
            ticket.awaitTurn();
            long started = System.nanoTime();
            WhisperModel.Heard heard = model.transcribe(audio.samples(), language, prompt,
                    request.translate() && model.multilingual(), request.suppressNonSpeech(), request.temperature());
            double seconds = (System.nanoTime() - started) / 1e9;
            List<TranscriptSegment> segments = heard.segments();
            String spoken = heard.language() == null ? language : heard.language();
            LOG.info("Transcribed {} s of audio in {} s ({} segments, language {})", String.format("%.1f", audio.seconds()),
                    String.format("%.2f", seconds), segments.size(), spoken);
            String text = segments.stream().map(TranscriptSegment::text).collect(Collectors.joining()).strip();
            return new Transcription(text, spoken, audio.seconds(), segments);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.busy();
        } catch (IOException e) {
            LOG.warn("Transcription failed: {}", e.getMessage());
            throw new ApiException(ErrorKind.INTERNAL, "The speech model failed on this audio.");
        }
    }

    private DecodedAudio decode(byte[] file) {
        try {
            return AudioDecoding.decode(file, WHISPER_RATE, maxSeconds);
        } catch (UnreadableAudioException e) {
            throw ApiException.badRequest(AUDIO, e.getMessage());
        }
    }

    /** An English-only model always hears English; otherwise a known code, or detection. */
    private String language(String requested) {
        if (!model.multilingual()) {
            return "en";
        }
        if (requested == null || requested.isBlank() || requested.equalsIgnoreCase(WhisperLanguages.AUTO)) {
            return WhisperLanguages.AUTO;
        }
        String code = requested.strip().toLowerCase(java.util.Locale.ROOT);
        if (!WhisperLanguages.known(code)) {
            throw ApiException.badRequest("language", "'" + requested + "' is not a language Whisper knows: use an ISO 639-1 code such as 'en', or 'auto'.");
        }
        return code;
    }

    @Override
    public void close() {
        try {
            queue.drain();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        model.close();
    }
}
