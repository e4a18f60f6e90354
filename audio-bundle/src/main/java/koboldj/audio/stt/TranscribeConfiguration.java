package koboldj.audio.stt;

import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The koboldj.transcribe configuration: the flag --whispermodel, and limits an operator may change
 * with a {@code koboldj.transcribe.cfg} file in --conf or {@code --set koboldj.transcribe.KEY=VALUE}.
 */
@ObjectClassDefinition(name = "koboldj speech to text")
@interface TranscribeConfiguration {

    /** --whispermodel: the Whisper model (ggml .bin) to load; empty: no speech to text. */
    String whispermodel() default "";

    /** Longest audio accepted, in seconds; longer uploads are refused with 400. */
    int maxSeconds() default 1200;

    /** Requests that may wait while one is transcribed; more are refused with 503. */
    int queue() default 4;

    /** CPU threads for one transcription; 0 or less picks up to 4 of the machine's cores. */
    int threads() default 0;
}
