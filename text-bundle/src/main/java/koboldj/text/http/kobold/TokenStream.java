package koboldj.text.http.kobold;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;

import koboldj.api.text.Generation;
import koboldj.api.text.GenerationListener;
import koboldj.api.text.GenerationResult;
import koboldj.api.text.TextPiece;

/**
 * KoboldCpp's token stream: {@code event: message} / {@code data: {"token": …}} per piece, each
 * sent and flushed at once, and a last event with {@code finish_reason}. Pieces that pile up while
 * a send is under way go out as one event, so a slow client costs fewer writes, not more latency.
 * A client that goes away aborts its generation.
 */
final class TokenStream implements GenerationListener {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A client that takes no event for this long is taken to be gone. */
    private static final long STALLED_SECONDS = 120;

    private final BlockingQueue<Object> events = new LinkedBlockingQueue<>();

    /** Called on the engine thread: queue the piece for the writer. */
    @Override
    public void onText(TextPiece piece) {
        events.add(piece);
    }

    /** Writes the events of {@code generation} (submitted with this listener) until it ends. */
    void writeTo(Generation generation, SseEventSink sink, Sse sse) {
        generation.result().whenComplete((result, error) -> events.add(error != null ? error : result));
        CompletionStage<?> previous = null;
        try (sink) {
            while (true) {
                Object event = events.take();
                if (previous != null) {
                    previous.toCompletableFuture().get(STALLED_SECONDS, TimeUnit.SECONDS);
                }
                if (event instanceof TextPiece piece) {
                    StringBuilder text = new StringBuilder(piece.text());
                    while (events.peek() instanceof TextPiece more) {
                        events.poll();
                        text.append(more.text());
                    }
                    previous = send(sink, sse, Map.of("token", text.toString()));
                } else if (event instanceof GenerationResult result) {
                    send(sink, sse, finish(KoboldResponses.finishReason(result.reason())));
                    return;
                } else {
                    Map<String, Object> failed = finish("error");
                    failed.put("error", "The generation failed; the server log says why.");
                    send(sink, sse, failed);
                    return;
                }
            }
        } catch (InterruptedException e) {
            generation.abort();
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            generation.abort(); // the client is gone or stalled
        }
    }

    private static Map<String, Object> finish(String reason) {
        Map<String, Object> last = new LinkedHashMap<>();
        last.put("token", "");
        last.put("finish_reason", reason);
        return last;
    }

    private static CompletionStage<?> send(SseEventSink sink, Sse sse, Map<String, ?> data) throws JsonProcessingException {
        if (sink.isClosed()) {
            throw new IllegalStateException("the client closed the stream");
        }
        return sink.send(sse.newEventBuilder().name("message").data(JSON.writeValueAsString(data)).build());
    }
}
