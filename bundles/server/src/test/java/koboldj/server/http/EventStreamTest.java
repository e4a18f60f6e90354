package koboldj.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

import org.glassfish.jersey.server.ChunkedOutput;
import org.junit.jupiter.api.Test;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.core.Response;

import koboldj.api.dto.ErrorResponse;
import koboldj.api.error.ApiException;
import koboldj.api.error.ErrorKind;

/** The stream's writing against a servlet output that is ready, slow or gone, as the container's would be. */
class EventStreamTest {
    /** Text whose pieces join, as the text streams' formats do. */
    private static final EventStream.Format<String> FORMAT = new EventStream.Format<>() {
        public String opening(int choice) {
            return "open " + choice + "\n\n";
        }

        public String event(int choice, String text) {
            return choice + ": " + text + "\n\n";
        }

        public String merged(List<String> pieces) {
            return String.join("", pieces);
        }

        public String finish(int choice, String reason, ErrorResponse error) {
            return choice + " " + reason + (error == null ? "" : " " + error.error().message()) + "\n\n";
        }

        public String end() {
            return "done\n\n";
        }
    };

    private final Output out = new Output();
    private final EventStream<String> stream = new EventStream<>(FORMAT, 1, request(out));
    private final EventSink<String> channel = stream.channel(0);
    private volatile boolean aborted;
    private final Response response = stream.respond(() -> aborted = true);

    @Test
    void piecesBeforeTheResponseStartsGoOutTogetherAfterTheOpening() throws Exception {
        piece("Once");
        piece(" upon");
        stream.start(out);
        out.listener.onWritePossible();
        assertEquals(List.of("open 0\n\n0: Once upon\n\n"), out.flushes());
    }

    @Test
    void eachPieceIsFlushedAsSoonAsItComesWhileTheClientKeepsUp() throws Exception {
        started();
        piece("a");
        await(() -> out.flushes().size() == 2);
        piece("é😀");
        await(() -> out.flushes().size() == 3);
        assertEquals(List.of("open 0\n\n", "0: a\n\n", "0: é😀\n\n"), out.flushes());
    }

    @Test
    void piecesThatPiledUpForASlowClientGoOutAsOneEvent() throws Exception {
        started();
        out.ready(false);
        piece("b");
        piece("c");
        await(() -> out.refused > 0);
        out.ready(true);
        out.listener.onWritePossible();
        assertEquals(List.of("open 0\n\n", "0: bc\n\n"), out.flushes());
    }

    @Test
    void theLastEventCarriesTheFinishAndTheClosingLineAndEndsTheResponse() throws Exception {
        started();
        piece("d");
        channel.finish("length");
        await(() -> ((ChunkedOutput<?>) response.getEntity()).isClosed());
        assertEquals("open 0\n\n0: d\n\n0 length\n\ndone\n\n", String.join("", out.flushes()));
        assertFalse(aborted);
    }

    @Test
    void aFailedProducerEndsWithAnErrorThatKeepsAnApiErrorsMessageOnly() throws Exception {
        started();
        channel.fail(new IllegalStateException("native failure"));
        await(() -> ((ChunkedOutput<?>) response.getEntity()).isClosed());
        assertEquals("open 0\n\n0 error The generation failed; the server log says why.\n\ndone\n\n",
                String.join("", out.flushes()));

        Output other = new Output();
        EventStream<String> rejected = new EventStream<>(FORMAT, 1, request(other));
        Response ended = rejected.respond(() -> { });
        rejected.start(other);
        other.listener.onWritePossible();
        rejected.channel(0).fail(new RuntimeException(new ApiException(ErrorKind.BUSY, "The text module was replaced.")));
        await(() -> ((ChunkedOutput<?>) ended.getEntity()).isClosed());
        assertEquals("open 0\n\n0 error The text module was replaced.\n\ndone\n\n", String.join("", other.flushes()));
    }

    @Test
    void nothingSentAfterAChannelsEndIsWritten() throws Exception {
        piece("g");
        channel.finish("stop");
        piece("h");
        channel.finish("length");
        stream.start(out);
        out.listener.onWritePossible();
        assertEquals("open 0\n\n0: g\n\n0 stop\n\ndone\n\n", String.join("", out.flushes()));
    }

    @Test
    void itemsAFormatDoesNotMergeGoOutAsAnEventEachAndChannelsEndOnTheirOwn() throws Exception {
        EventStream.Format<Double> progress = new EventStream.Format<>() {
            public String event(int image, Double done) {
                return image + " at " + done + "\n\n";
            }

            public String finish(int image, String reason, ErrorResponse error) {
                return image + " " + reason + "\n\n";
            }
        };
        Output slow = new Output();
        EventStream<Double> images = new EventStream<>(progress, 2, request(slow));
        Response answer = images.respond(() -> { });
        images.channel(0).send(0.5);
        images.channel(1).send(0.25);
        images.channel(1).send(0.75);
        images.channel(0).finish("done");
        images.start(slow);
        slow.listener.onWritePossible();
        assertEquals(List.of("0 at 0.5\n\n1 at 0.25\n\n1 at 0.75\n\n0 done\n\n"), slow.flushes());
        assertFalse(((ChunkedOutput<?>) answer.getEntity()).isClosed(), "channel 1 is still open");
        images.channel(1).finish("done");
        await(() -> ((ChunkedOutput<?>) answer.getEntity()).isClosed());
        assertEquals("1 done\n\n", slow.flushes().getLast());
    }

    @Test
    void aClientThatIsGoneAbortsTheProducers() throws Exception {
        started();
        out.gone = true;
        piece("e");
        await(() -> aborted);
        await(() -> ((ChunkedOutput<?>) response.getEntity()).isClosed());
    }

    @Test
    void aWriteTheContainerFailsLaterAbortsTheProducers() throws Exception {
        started();
        out.listener.onError(new IOException("reset by peer"));
        assertTrue(aborted);
        piece("f");
        Thread.sleep(50);
        assertEquals(List.of("open 0\n\n"), out.flushes(), "nothing is written after the failure");
    }

    private void started() throws Exception {
        stream.start(out);
        out.listener.onWritePossible();
        assertEquals(List.of("open 0\n\n"), out.flushes());
    }

    private void piece(String text) {
        channel.send(text);
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "in time");
            Thread.sleep(1);
        }
    }

    /** A request whose async context's response writes to {@code out}. */
    private static HttpServletRequest request(Output out) {
        ServletResponse response = proxy(ServletResponse.class, "getOutputStream", out);
        AsyncContext async = proxy(AsyncContext.class, "getResponse", response);
        return proxy(HttpServletRequest.class, "getAsyncContext", async);
    }

    private static <T> T proxy(Class<T> type, String method, Object value) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (self, called, args) -> {
            if (called.getName().equals(method)) {
                return value;
            }
            throw new UnsupportedOperationException(called.getName());
        }));
    }

    /** The container's non-blocking output: what was flushed, flush by flush. */
    private static final class Output extends ServletOutputStream {
        volatile WriteListener listener;
        volatile boolean gone;
        volatile int refused;
        private boolean ready = true;
        private final ByteArrayOutputStream unflushed = new ByteArrayOutputStream();
        private final List<String> flushes = new ArrayList<>();

        synchronized void ready(boolean ready) {
            this.ready = ready;
        }

        synchronized List<String> flushes() {
            return List.copyOf(flushes);
        }

        @Override
        public synchronized boolean isReady() {
            if (!ready) {
                refused++;
            }
            return ready;
        }

        @Override
        public void setWriteListener(WriteListener listener) {
            this.listener = listener;
        }

        @Override
        public synchronized void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws IOException {
            if (gone) {
                throw new IOException("Broken pipe");
            }
            unflushed.write(b, off, len);
        }

        @Override
        public synchronized void flush() {
            flushes.add(unflushed.toString(StandardCharsets.UTF_8));
            unflushed.reset();
        }
    }
}
