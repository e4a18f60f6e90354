package koboldj.api.capability;

/**
 * The capability keys KoboldCpp reports in {@code /api/extra/version}; the platform reports each of
 * them, {@code false} while no bundle brings it, as KoboldCpp does.
 */
public final class KoboldCppKeys {
    public static final String TEXT = "llm";
    public static final String EMBEDDINGS = "embeddings";
    public static final String IMAGE = "txt2img";
    public static final String VISION = "vision";
    public static final String TRANSCRIBE = "transcribe";
    public static final String TTS = "tts";
    public static final String WEBSEARCH = "websearch";
    public static final String SAVEDATA = "savedata";
    public static final String MULTIPLAYER = "multiplayer";
    public static final String ADMIN = "admin";

    private KoboldCppKeys() {
    }
}
