package koboldj.text.http.openai;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The named chat templates and KoboldCpp's AutoGuess: the model's own template text (GGUF
 * tokenizer.chat_template) is recognised by its markers and mapped to the matching named one.
 */
final class ChatTemplates {
    static final ChatTemplate CHATML = new ChatTemplate("ChatML", "<|im_start|>system\n", "<|im_end|>\n",
            "<|im_start|>user\n", "<|im_end|>\n", "<|im_start|>assistant\n", "<|im_end|>\n");
    static final ChatTemplate LLAMA3 = new ChatTemplate("Llama 3", "<|start_header_id|>system<|end_header_id|>\n\n",
            "<|eot_id|>", "<|start_header_id|>user<|end_header_id|>\n\n", "<|eot_id|>",
            "<|start_header_id|>assistant<|end_header_id|>\n\n", "<|eot_id|>");
    static final ChatTemplate MISTRAL = new ChatTemplate("Mistral", "", "\n\n", "[INST] ", " [/INST]", "", "</s>");
    static final ChatTemplate ALPACA = new ChatTemplate("Alpaca", "", "\n\n", "### Instruction:\n", "\n\n",
            "### Response:\n", "\n\n");
    static final ChatTemplate VICUNA = new ChatTemplate("Vicuna", "", "\n\n", "USER: ", "\n", "ASSISTANT: ", "</s>\n");
    static final ChatTemplate GEMMA = new ChatTemplate("Gemma 2", "<start_of_turn>user\n", "<end_of_turn>\n",
            "<start_of_turn>user\n", "<end_of_turn>\n", "<start_of_turn>model\n", "<end_of_turn>\n");
    static final ChatTemplate PHI3 = new ChatTemplate("Phi-3", "<|system|>\n", "<|end|>\n", "<|user|>\n", "<|end|>\n",
            "<|assistant|>\n", "<|end|>\n");

    private static final List<ChatTemplate> NAMED = List.of(CHATML, LLAMA3, MISTRAL, ALPACA, VICUNA, GEMMA, PHI3);
    /** Markers that identify a template text, checked in this order. */
    private static final List<Map.Entry<String, ChatTemplate>> MARKERS = List.of(
            Map.entry("<|im_start|>", CHATML), Map.entry("<|start_header_id|>", LLAMA3),
            Map.entry("<start_of_turn>", GEMMA), Map.entry("<|assistant|>", PHI3), Map.entry("[INST]", MISTRAL),
            Map.entry("### Instruction", ALPACA), Map.entry("ASSISTANT:", VICUNA));

    private ChatTemplates() {
    }

    /**
     * The template for --chatcompletionsadapter: a name, a KoboldCpp adapter JSON file, or
     * AutoGuess (or nothing) to recognise the model's own template, falling back to ChatML.
     */
    static ChatTemplate choose(String adapter, String modelTemplate) {
        if (!isAutoGuess(adapter)) {
            Optional<ChatTemplate> named = byName(adapter);
            if (named.isPresent()) {
                return named.get();
            }
            Path file = Path.of(adapter);
            if (Files.isRegularFile(file)) {
                try {
                    return ChatTemplate.fromAdapter(file.getFileName().toString(), new ObjectMapper().readValue(file.toFile(), Map.class));
                } catch (IOException e) {
                    throw new IllegalArgumentException("cannot read the chat adapter " + file + ": " + e.getMessage());
                }
            }
        }
        return guess(modelTemplate);
    }

    /** The text of a Jinja chat template file (*.jinja) named by --chatcompletionsadapter, if it names one. */
    static Optional<String> jinjaFile(String adapter) {
        if (adapter == null || !adapter.toLowerCase(Locale.ROOT).endsWith(".jinja")) {
            return Optional.empty();
        }
        try {
            return Optional.of(Files.readString(Path.of(adapter)));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the chat template " + adapter + ": " + e.getMessage());
        }
    }

    /** Whether --chatcompletionsadapter leaves the choice to the model (AutoGuess, or not given). */
    static boolean isAutoGuess(String adapter) {
        return adapter == null || adapter.isBlank() || adapter.equalsIgnoreCase("AutoGuess");
    }

    static Optional<ChatTemplate> byName(String name) {
        String wanted = normalise(name);
        return NAMED.stream().filter(t -> normalise(t.name()).equals(wanted)).findFirst();
    }

    /** KoboldCpp's AutoGuess: the named template whose markers the model's template uses; ChatML if none. */
    static ChatTemplate guess(String modelTemplate) {
        if (modelTemplate != null) {
            for (Map.Entry<String, ChatTemplate> marker : MARKERS) {
                if (modelTemplate.contains(marker.getKey())) {
                    return marker.getValue();
                }
            }
        }
        return CHATML;
    }

    private static String normalise(String name) {
        return name.toLowerCase(Locale.ROOT).replaceFirst("\\.json$", "").replaceAll("[^a-z0-9]", "");
    }
}
