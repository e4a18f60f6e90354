package koboldj.audio.stt;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The language whisper.cpp detected when asked for "auto". whisper-jni 1.7.1 has no binding for
 * {@code whisper_full_lang_id}, but whisper.cpp logs its choice ("auto-detected language: de (p =
 * …)") from the thread that called it, and whisper-jni hands its log lines to Java on that thread:
 * a transcription listens on its own thread for the line while it runs.
 */
final class DetectedLanguage {
    private static final Logger LOG = LoggerFactory.getLogger(DetectedLanguage.class);
    private static final Pattern LINE = Pattern.compile("auto-detected language: ([a-z]{2,3})\\b");
    private static final ThreadLocal<String[]> LISTENING = new ThreadLocal<>();

    private DetectedLanguage() {
    }

    /** Called with every line whisper.cpp logs. */
    static void observe(String line) {
        String[] heard = LISTENING.get();
        if (heard != null) {
            Matcher matcher = LINE.matcher(line);
            if (matcher.find()) {
                heard[0] = matcher.group(1);
                LOG.info("whisper.cpp: {}", line.strip());
            }
        }
    }

    /** Runs {@code transcription} on this thread and answers the language whisper.cpp said it detected, or null. */
    static <E extends Exception> String during(ThrowingRunnable<E> transcription) throws E {
        String[] heard = new String[1];
        LISTENING.set(heard);
        try {
            transcription.run();
            return heard[0];
        } finally {
            LISTENING.remove();
        }
    }

    @FunctionalInterface
    interface ThrowingRunnable<E extends Exception> {
        void run() throws E;
    }
}
