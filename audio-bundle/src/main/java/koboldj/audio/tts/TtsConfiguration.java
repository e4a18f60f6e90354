package koboldj.audio.tts;

import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The koboldj.tts configuration: the flag --ttsmodel, and a limit an operator may change with a
 * {@code koboldj.tts.cfg} file in --conf or {@code --set koboldj.tts.KEY=VALUE}.
 */
@ObjectClassDefinition(name = "koboldj text to speech")
@interface TtsConfiguration {

    /** --ttsmodel: {@value TtsSwitch#ESPEAK} for espeak-ng; empty for no speech. */
    String ttsmodel() default "";

    /** Longest text spoken by one request, in characters (OpenAI's limit). */
    int maxinputchars() default 4096;
}
