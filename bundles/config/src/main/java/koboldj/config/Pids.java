package koboldj.config;

/** The ConfigAdmin PIDs the flags are published to; a component names its PID as its configurationPid. */
public final class Pids {
    /** HTTP concerns: password, request size, quiet. */
    public static final String SERVER = "koboldj.server";
    public static final String TEXT = "koboldj.text";
    public static final String EMBEDDINGS = "koboldj.embeddings";
    public static final String IMAGE = "koboldj.image";
    public static final String TRANSCRIBE = "koboldj.transcribe";
    public static final String TTS = "koboldj.tts";
    public static final String WEBSEARCH = "koboldj.websearch";
    public static final String STORAGE = "koboldj.storage";
    public static final String ADMIN = "koboldj.admin";

    private Pids() {
    }
}
