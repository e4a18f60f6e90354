package koboldj.text.http.openai;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jakartars.whiteboard.propertytypes.JSONRequired;
import org.osgi.service.jakartars.whiteboard.propertytypes.JakartarsResource;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;

import koboldj.api.text.GenerationRequest;
import koboldj.api.text.TextGenerator;
import koboldj.text.http.TextModels;

/**
 * OpenAI's chat completions, by the model the request's {@code model} (or {@code multi_models})
 * picks. The conversation becomes a prompt through the chat format chosen by
 * --chatcompletionsadapter (a name or an adapter file), or else the model's own Jinja template.
 */
@Component(service = ChatResource.class)
@JakartarsResource
@JSONRequired
@Path("")
public class ChatResource {
    /** Replies run to this many tokens unless the request says otherwise (KoboldCpp's default amount). */
    static final int DEFAULT_MAX_TOKENS = 512;

    private final TextModels models;
    private final ChatTemplateChoice templates;

    @Activate
    public ChatResource(@Reference TextModels models, @Reference ChatTemplateChoice templates) {
        this.models = models;
        this.templates = templates;
    }

    @POST
    @Path("v1/chat/completions")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces({MediaType.APPLICATION_JSON, MediaType.SERVER_SENT_EVENTS})
    public void chat(ChatInput input, @Suspended AsyncResponse response,
            @Context HttpServletRequest servlet) {
        if (input == null) {
            throw koboldj.api.error.ApiException.badRequest("messages", "The body must be a JSON object with 'messages'.");
        }
        TextGenerator text = models.forOpenAi(input.model, input.extra.get("multi_models"));
        ChatFormat chat = templates.format(text);
        ToolRequest tools = ToolRequest.of(input);
        String prompt = chat.render(ChatMessages.read(input.messages), tools);
        int choices = OpenAiRequests.choices(input);
        int generated = OpenAiRequests.generated(input);
        boolean detokenize = Detokenization.wanted(input);
        boolean includeUsage = OpenAiRequests.includeUsage(input);
        String toolGrammar = tools.grammar(chat.tagsToolCalls());
        String id = "chatcmpl-" + UUID.randomUUID();
        String model = text.model().name();
        List<GenerationRequest> requests = new ArrayList<>();
        for (int i = 0; i < generated; i++) {
            requests.add(OpenAiRequests.toRequest(input, prompt, i, text.maxContextLength(), DEFAULT_MAX_TOKENS, chat.stops(),
                    toolGrammar));
        }
        int topLogprobs = input.topLogprobs == null ? 0 : input.topLogprobs;
        ChunkStream.Options options = new ChunkStream.Options(requests.getFirst().logprobs() > 0 ? topLogprobs : -1,
                includeUsage, tools);
        Choices.run(text, requests, choices, OpenAiRequests.beamSearch(input), Boolean.TRUE.equals(input.stream),
                OpenAiResponses.chatStream(id, model, options), OutputKind.of(input.extra),
                results -> CompletionResource.text(OpenAiResponses.chat(id, model, results, topLogprobs, tools), results,
                        detokenize, true),
                response, servlet);
    }
}
