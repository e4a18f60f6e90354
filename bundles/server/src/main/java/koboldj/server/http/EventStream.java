package koboldj.server.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.osgi.annotation.versioning.ConsumerType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import koboldj.api.dto.ErrorResponse;

/**
 * A server-sent-events stream of one or more channels (the choices of a text request, the images
 * of a batch, ...): an event per item, written and flushed at once (items that piled up while the
 * client was slow go out together, merged if the format says how), an event with each channel's
 * end, and the format's closing line. A client that goes away aborts the producers.
 *
 * <p>A producer feeds a channel through its {@link EventSink}, which only queues the item and,
 * when it sleeps, wakes {@link EventWriter}, the one thread that writes every stream, with the
 * servlet container's non-blocking output: a slow client holds up nobody, its items wait for the
 * container's callback. Jersey only starts the response (status, headers, its response filters)
 * and ends it; the events go to the servlet output directly, without Jersey's work per chunk
 * (request scope, writer lookup, its queue), and survive a rebuild of the REST application.
 *
 * <p>Use: make the stream in a resource method with a suspended request, hand the producers its
 * {@link #channel channels}, and resume the request with {@link #respond}.
 *
 * @param <T> what the channels carry
 */
public final class EventStream<T> implements WriteListener {
    private static final Logger LOG = LoggerFactory.getLogger(EventStream.class);

    /** How an API frames its events: each method returns whole events, with the blank line that ends them. */
    @ConsumerType
    public interface Format<T> {
        /** The event that opens a channel, or null if there is none. */
        default String opening(int channel) {
            return null;
        }

        String event(int channel, T item);

        /**
         * Items of a channel that piled up while the client was slow, oldest first, as the one item
         * to write in their place, or null (the default) to write an event for each. Pieces of text
         * join into one; the latest progress report stands for those before it.
         */
        default T merged(List<T> items) {
            return null;
        }

        /**
         * @param reason as the producer ended the channel: {@link EventSink#finish}'s reason, or
         *               "error" when it failed
         * @param error  with "error", what the client is told about the failure; else null
         */
        String finish(int channel, String reason, ErrorResponse error);

        /** The line after the last event, or null. */
        default String end() {
            return null;
        }
    }

    /** What waits to be written: text already framed, an item of a channel, or a channel's end. */
    private sealed interface Event<T> {
    }

    private record Framed<T>(String text) implements Event<T> {
    }

    private record Item<T>(int channel, T item) implements Event<T> {
    }

    private record End<T>(int channel, String reason, ErrorResponse error) implements Event<T> {
    }

    private final Format<T> format;
    private final ServletContinuation output;
    /** Guards what the producers touch, so that they never wait for a write. */
    private final Object queue = new Object();
    // guarded by queue
    private List<Event<T>> pending = new ArrayList<>();
    private final boolean[] ended;
    /** Channels whose end is not queued yet. */
    private int open;
    /** Stops the producers when the client is gone; set by {@link #respond}. */
    private Runnable abort;
    /** The output takes writes: new events are to be scheduled with the writer. */
    private boolean writable;
    /** The response is being ended, or the client is gone: nothing more is written. */
    private boolean over;
    /** Waiting in {@link EventWriter}'s queue; guarded by its lock. */
    boolean scheduled;
    // guarded by this, held while writing
    /** Set once Jersey has put the status and headers on the servlet response. */
    private ServletOutputStream out;
    private boolean unflushed;

    /** @param servlet the request, suspended: its async context holds the response to write to */
    public EventStream(Format<T> format, int channels, HttpServletRequest servlet) {
        this.format = format;
        this.output = new ServletContinuation(servlet, this::start);
        this.ended = new boolean[channels];
        this.open = channels;
        StringBuilder openings = new StringBuilder();
        for (int channel = 0; channel < channels; channel++) {
            String opening = format.opening(channel);
            if (opening != null) {
                openings.append(opening);
            }
        }
        if (!openings.isEmpty()) {
            pending.add(new Framed<>(openings.toString()));
        }
    }

    /** The producer's side of channel {@code channel}, counted from 0. */
    public EventSink<T> channel(int channel) {
        Objects.checkIndex(channel, ended.length);
        return new EventSink<>() {
            @Override
            public void send(T item) {
                offer(channel, new Item<>(channel, item));
            }

            @Override
            public void finish(String reason) {
                offer(channel, new End<>(channel, reason, null));
            }

            @Override
            public void fail(Throwable failure) {
                offer(channel, new End<>(channel, "error", ErrorResponses.bodyFor(failure)));
            }
        };
    }

    /**
     * The streaming response to resume the suspended request with.
     *
     * @param abort stops the producers when the client goes away; called at most once, on a
     *              container or writer thread, possibly after the producers have ended
     */
    public Response respond(Runnable abort) {
        synchronized (queue) {
            this.abort = abort;
        }
        return Response.ok(output, MediaType.SERVER_SENT_EVENTS_TYPE).header("Cache-Control", "no-cache")
                .header("X-Accel-Buffering", "no").build();
    }

    /** Appends {@code text} as a JSON string, quotes included, escaped as Jackson writes it. */
    public static StringBuilder appendJson(StringBuilder out, String text) {
        out.append('"');
        JsonStringEncoder.getInstance().quoteAsString(text, out);
        return out.append('"');
    }

    /** Container thread: the client can take more. */
    @Override
    public void onWritePossible() {
        write();
    }

    /** Container thread: a write failed, the client is gone. */
    @Override
    public void onError(Throwable failure) {
        if (fail()) {
            end();
        }
    }

    /** Producer thread: queues the event for the writer, or for the container's callback while the client is slow. */
    private void offer(int channel, Event<T> event) {
        synchronized (queue) {
            if (over || ended[channel]) {
                return;
            }
            pending.add(event);
            if (event instanceof End<T>) {
                ended[channel] = true;
                open--;
            }
            if (!writable) {
                return;
            }
        }
        EventWriter.schedule(this);
    }

    /** Writes what is pending as far as the container takes it without blocking; ends the response after the last event. */
    void write() {
        boolean ended;
        synchronized (this) {
            ended = drain();
        }
        if (ended) {
            end();
        }
    }

    /** @return true if the response is to be ended now */
    private boolean drain() {
        if (out == null) {
            return false;
        }
        try {
            while (out.isReady()) {
                List<Event<T>> events = null;
                boolean last;
                synchronized (queue) {
                    if (over) {
                        return false;
                    }
                    if (!pending.isEmpty()) {
                        events = pending;
                        pending = new ArrayList<>();
                    } else if (!unflushed) {
                        writable = true;
                        over = open == 0;
                        return over;
                    }
                    last = open == 0;
                }
                if (events != null) {
                    out.write(frames(events, last));
                    unflushed = true;
                } else {
                    unflushed = false;
                    out.flush();
                }
            }
            synchronized (queue) {
                writable = false;
            }
            return false;
        } catch (IOException | RuntimeException e) {
            return fail();
        }
    }

    /** The events as one buffer, a channel's consecutive items merged as the format says; the closing line after the last. */
    private byte[] frames(List<Event<T>> events, boolean last) {
        StringBuilder frames = new StringBuilder();
        for (int i = 0; i < events.size(); i++) {
            switch (events.get(i)) {
                case Framed<T> framed -> frames.append(framed.text());
                case End<T> end -> frames.append(format.finish(end.channel(), end.reason(), end.error()));
                case Item<T> item -> i = appendItems(frames, events, i, item.channel()) - 1;
            }
        }
        if (last && format.end() != null) {
            frames.append(format.end());
        }
        return frames.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Appends the run of {@code channel}'s items that starts at {@code from}; returns the index after it. */
    private int appendItems(StringBuilder frames, List<Event<T>> events, int from, int channel) {
        int to = from + 1;
        while (to < events.size() && events.get(to) instanceof Item<T> next && next.channel() == channel) {
            to++;
        }
        if (to - from > 1) {
            List<T> items = new ArrayList<>(to - from);
            for (int i = from; i < to; i++) {
                items.add(((Item<T>) events.get(i)).item());
            }
            T merged = format.merged(items);
            if (merged != null) {
                frames.append(format.event(channel, merged));
                return to;
            }
        }
        for (int i = from; i < to; i++) {
            frames.append(format.event(channel, ((Item<T>) events.get(i)).item()));
        }
        return to;
    }

    /** The client is gone: aborts the producers; returns true if the response is to be ended now. */
    private boolean fail() {
        Runnable aborting;
        synchronized (queue) {
            if (over) {
                return false;
            }
            over = true;
            pending.clear();
            aborting = abort;
        }
        if (aborting != null) {
            try {
                aborting.run();
            } catch (RuntimeException e) {
                LOG.error("Aborting the producers of a stream whose client is gone failed", e);
            }
        }
        return true;
    }

    /** Jersey's start of the response: the output is the servlet's from now on, or null if the request is over. */
    void start(ServletOutputStream servletOutput) {
        if (servletOutput != null) {
            synchronized (this) {
                try {
                    out = servletOutput;
                    // the container calls onWritePossible as soon as it can take what is pending
                    out.setWriteListener(this);
                    return;
                } catch (RuntimeException e) {
                    out = null;
                }
            }
        }
        if (fail()) {
            end();
        }
    }

    private void end() {
        output.end();
    }
}
