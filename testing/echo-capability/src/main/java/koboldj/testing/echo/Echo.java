package koboldj.testing.echo;

import java.util.concurrent.atomic.AtomicBoolean;

import koboldj.server.http.EventSink;

/**
 * The echo "engine": says the greeting, then each word of a text with the suffix, one at a time,
 * the way an engine feeds a stream from its own thread. It knows nothing of HTTP.
 */
final class Echo {
    private final AtomicBoolean stopped = new AtomicBoolean();

    /** Starts speaking {@code text} to {@code sink} on a thread of its own. */
    static Echo speak(String greeting, String suffix, String text, EventSink<String> sink) {
        Echo echo = new Echo();
        Thread.ofVirtual().name("echo").start(() -> {
            try {
                sink.send(greeting);
                for (String word : text.trim().split("\\s+")) {
                    if (echo.stopped.get()) {
                        sink.finish("aborted");
                        return;
                    }
                    Thread.sleep(20); // an engine's pace: the words are separate events
                    sink.send(word + suffix);
                }
                sink.finish("stop");
            } catch (InterruptedException e) {
                sink.fail(e);
            }
        });
        return echo;
    }

    void stop() {
        stopped.set(true);
    }
}
