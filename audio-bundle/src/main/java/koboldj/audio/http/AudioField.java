package koboldj.audio.http;

import java.util.function.Supplier;

import koboldj.api.error.ApiException;

/** Puts the route's own field name on the transcriber's complaint about the audio. */
final class AudioField {
    /** What the transcriber calls the audio in its errors. */
    private static final String AUDIO = "audio";

    private AudioField() {
    }

    static <T> T named(String field, Supplier<T> call) {
        try {
            return call.get();
        } catch (ApiException e) {
            if (AUDIO.equals(e.param())) {
                throw new ApiException(e.kind(), "'" + field + "': " + e.getMessage(), field);
            }
            throw e;
        }
    }
}
