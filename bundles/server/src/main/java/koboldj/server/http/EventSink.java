package koboldj.server.http;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The producer's side of one channel of an {@link EventStream}: the pieces of a text choice, the
 * progress of an image, the chunks of speech. Each call only queues and returns; none waits for
 * the client. Call from one thread at a time (the engine's); the first end of a channel counts,
 * and nothing sent after it is written.
 *
 * @param <T> what the channel carries; the stream's {@link EventStream.Format} frames it
 */
@ProviderType
public interface EventSink<T> {

    /** Queues an item to be written as an event. */
    void send(T item);

    /**
     * Ends the channel.
     *
     * @param reason how it ended, in the words of the stream's format (e.g. "stop", "length")
     */
    void finish(String reason);

    /** Ends the channel as failed: its finish event has reason "error" and the error shape of {@code failure}. */
    void fail(Throwable failure);
}
