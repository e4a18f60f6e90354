package koboldj.text.http.kobold;

import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jakartars.whiteboard.propertytypes.JSONRequired;
import org.osgi.service.jakartars.whiteboard.propertytypes.JakartarsResource;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;

import koboldj.api.text.Generation;
import koboldj.api.text.GenerationListener;
import koboldj.api.text.GenerationResult;
import koboldj.api.text.TextGenerator;
import koboldj.api.text.TextPiece;

/** KoboldAI generation: whole ({@code /api/v1/generate}) and streamed as server-sent events. */
@Component(service = GenerateResource.class)
@JakartarsResource
@JSONRequired
@Path("")
public class GenerateResource {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A stream whose client reads nothing for this long is treated as gone. */
    private static final long SEND_TIMEOUT_SECONDS = 60;

    private final TextGenerator text;

    @Activate
    public GenerateResource(@Reference TextGenerator text) {
        this.text = text;
    }

    @POST
    @Path("api/v1/generate")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public void generate(KoboldGenerateInput input, @Suspended AsyncResponse response) {
        Generation generation = text.submit(KoboldRequests.toRequest(input, text.maxContextLength()), GenerationListener.NONE);
        generation.result().whenComplete((result, error) -> {
            if (error != null) {
                response.resume(error);
            } else {
                response.resume(KoboldResponses.results(result));
            }
        });
    }

    @POST
    @Path("api/extra/generate/stream")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public void stream(KoboldGenerateInput input, @Context SseEventSink sink, @Context Sse sse) {
        BlockingQueue<Object> events = new LinkedBlockingQueue<>();
        Generation generation = text.submit(KoboldRequests.toRequest(input, text.maxContextLength()), events::add);
        generation.result().whenComplete((result, error) -> events.add(error != null ? error : result));
        try (sink) {
            while (true) {
                Object event = events.take();
                if (event instanceof TextPiece piece) {
                    if (!send(sink, sse, Map.of("token", piece.text()))) {
                        generation.abort();
                        return;
                    }
                } else if (event instanceof GenerationResult result) {
                    send(sink, sse, Map.of("token", "", "finish_reason", KoboldResponses.finishReason(result.reason())));
                    return;
                } else {
                    send(sink, sse, Map.of("token", "", "finish_reason", "error",
                            "error", "The generation failed; the server log says why."));
                    return;
                }
            }
        } catch (InterruptedException e) {
            generation.abort();
            Thread.currentThread().interrupt();
        }
    }

    /** Sends one event; false when the client is gone. */
    private static boolean send(SseEventSink sink, Sse sse, Map<String, ?> data) throws InterruptedException {
        if (sink.isClosed()) {
            return false;
        }
        try {
            String json = JSON.writeValueAsString(data);
            sink.send(sse.newEventBuilder().name("message").data(json).build())
                    .toCompletableFuture().get(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return true;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return false;
        }
    }

}
