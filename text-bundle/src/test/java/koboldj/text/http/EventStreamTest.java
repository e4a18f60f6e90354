package koboldj.text.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BooleanSupplier;

import org.glassfish.jersey.server.ChunkedOutput;
import koboldj.api.dto.ErrorResponse;
import org.junit.jupiter.api.Test;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.core.Response;

import koboldj.api.text.FinishReason;
import koboldj.api.text.Generation;
import koboldj.api.text.GenerationListener;
import koboldj.api.text.GenerationResult;
import koboldj.api.text.TextPiece;

/** The stream's writing against a servlet output that is ready, slow or gone, as the container's would be. */
class EventStreamTest {
    private static final EventStream.Format FORMAT = new EventStream.Format() {
        public String opening(int choice) {
            return "open " + choice + "\n\n";
        }

        public String text(int choice, String text) {
            return choice + ": " + text + "\n\n";
        }

        public String finish(int choice, String reason, ErrorResponse error) {
            return choice + " " + reason + (error == null ? "" : " " + error.error().message()) + "\n\n";
        }

        public String end() {
            return "done\n\n";
        }
    };

    private final Output out = new Output();
    private final FakeGeneration generation = new FakeGeneration();
    private final EventStream stream = new EventStream(FORMAT, 1, request(out));
    private final GenerationListener listener = stream.listenerFor(0);
    private final Response response = stream.respond(List.of(generation));

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
        generation.result.complete(
                new GenerationResult("d", FinishReason.LENGTH, 1, 1, 0, List.of(), Double.NaN, List.of()));
        await(() -> ((ChunkedOutput<?>) response.getEntity()).isClosed());
        assertEquals("open 0\n\n0: d\n\n0 length\n\ndone\n\n", String.join("", out.flushes()));
        assertFalse(generation.aborted);
    }

    @Test
    void aFailedGenerationEndsWithAnError() throws Exception {
        started();
        generation.result.completeExceptionally(new IllegalStateException("native failure"));
        await(() -> ((ChunkedOutput<?>) response.getEntity()).isClosed());
        assertEquals("open 0\n\n0 error The generation failed; the server log says why.\n\ndone\n\n",
                String.join("", out.flushes()));
    }

    @Test
    void aClientThatIsGoneAbortsTheGeneration() throws Exception {
        started();
        out.gone = true;
        piece("e");
        await(() -> generation.aborted);
        await(() -> ((ChunkedOutput<?>) response.getEntity()).isClosed());
    }

    @Test
    void aWriteTheContainerFailsLaterAbortsTheGeneration() throws Exception {
        started();
        out.listener.onError(new IOException("reset by peer"));
        assertTrue(generation.aborted);
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
        listener.onText(new TextPiece(text, List.of()));
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

    private static final class FakeGeneration implements Generation {
        final CompletableFuture<GenerationResult> result = new CompletableFuture<>();
        volatile boolean aborted;

        public String genkey() {
            return "key";
        }

        public String textSoFar() {
            return "";
        }

        public CompletionStage<GenerationResult> result() {
            return result;
        }

        public boolean abort() {
            aborted = true;
            return true;
        }
    }
}
