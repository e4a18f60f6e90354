package koboldj.testing.echo;

import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jakartars.whiteboard.propertytypes.JSONRequired;
import org.osgi.service.jakartars.whiteboard.propertytypes.JakartarsResource;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;

import koboldj.api.dto.ErrorResponse;
import koboldj.api.error.ApiException;
import koboldj.server.http.EventStream;

/** The echo capability's routes; it only translates HTTP, as every resource should. */
@Component(service = EchoResource.class)
@JakartarsResource
@JSONRequired
@Path("echo")
public class EchoResource {
    /** Each word an event {@code data: {"text": …}}; the end {@code data: {"finish_reason": …}}. */
    static final EventStream.Format<String> FORMAT = new EventStream.Format<>() {
        public String event(int channel, String word) {
            return EventStream.appendJson(new StringBuilder("data: {\"text\":"), word).append("}\n\n").toString();
        }

        public String finish(int channel, String reason, ErrorResponse error) {
            return EventStream.appendJson(new StringBuilder("data: {\"finish_reason\":"), reason).append("}\n\n").toString();
        }
    };

    /** The body of a stream request. */
    public record Words(String text) {
    }

    private final EchoSettings settings;

    @Activate
    public EchoResource(@Reference EchoSettings settings) {
        this.settings = settings;
    }

    @GET
    @Path("settings")
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, String> settings() {
        return Map.of("greeting", settings.greeting(), "suffix", settings.suffix());
    }

    @POST
    @Path("stream")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public void stream(Words words, @Suspended AsyncResponse response, @Context HttpServletRequest servlet) {
        if (words == null || words.text() == null || words.text().isBlank()) {
            throw ApiException.badRequest("text", "'text' must be a non-empty string of words to echo.");
        }
        EventStream<String> stream = new EventStream<>(FORMAT, 1, servlet);
        Echo echo = Echo.speak(settings.greeting(), settings.suffix(), words.text(), stream.channel(0));
        response.resume(stream.respond(echo::stop));
    }
}
