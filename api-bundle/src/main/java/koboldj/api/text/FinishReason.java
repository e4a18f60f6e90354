package koboldj.api.text;

/** Why a generation ended. The numbers are KoboldCpp's stop_reason codes. */
public enum FinishReason {
    /** Ran out of tokens to generate (max_length or the context). */
    LENGTH(0),
    /** End-of-sequence token. */
    END_OF_SEQUENCE(1),
    /** A stop sequence matched. */
    STOP_SEQUENCE(2),
    /** Aphrodite's DeepConf: the model's confidence fell below the request's threshold (a stop, to clients). */
    LOW_CONFIDENCE(2),
    /** Aborted by the client or because it disconnected. */
    ABORTED(-1);

    private final int koboldCode;

    FinishReason(int koboldCode) {
        this.koboldCode = koboldCode;
    }

    public int koboldCode() {
        return koboldCode;
    }
}
