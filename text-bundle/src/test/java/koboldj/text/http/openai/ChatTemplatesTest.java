package koboldj.text.http.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

class ChatTemplatesTest {
    private static final List<ChatFormat.Message> CHAT = List.of(new ChatFormat.Message("system", "Be brief."),
            new ChatFormat.Message("user", "Hi"), new ChatFormat.Message("assistant", "Hello."),
            new ChatFormat.Message("user", "Bye"));

    @Test
    void chatMl() {
        assertEquals("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n"
                + "<|im_start|>assistant\nHello.<|im_end|>\n<|im_start|>user\nBye<|im_end|>\n<|im_start|>assistant\n",
                ChatTemplates.CHATML.render(CHAT));
    }

    @Test
    void llama3() {
        assertEquals("<|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\nHello.<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\nBye<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\n", ChatTemplates.LLAMA3.render(CHAT));
    }

    @Test
    void alpaca() {
        assertEquals("Be brief.\n\n### Instruction:\nHi\n\n### Response:\nHello.\n\n### Instruction:\nBye\n\n### Response:\n",
                ChatTemplates.ALPACA.render(CHAT));
    }

    @Test
    void autoGuessRecognisesTheModelsTemplateAndFallsBackToChatMl() {
        String qwen = "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}";
        assertEquals("ChatML", ChatTemplates.guess(qwen).name());
        String llama3 = "{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n' %}";
        assertEquals("Llama 3", ChatTemplates.guess(llama3).name());
        String mistral = "{{ bos_token }}{% for message in messages %}{{ '[INST] ' + message['content'] + ' [/INST]' }}{% endfor %}";
        assertEquals("Mistral", ChatTemplates.guess(mistral).name());
        assertEquals("ChatML", ChatTemplates.guess(null).name());
        assertEquals("Alpaca", ChatTemplates.choose("alpaca.json", null).name(), "a bundled name, as KoboldCpp spells adapters");
        assertEquals("Llama 3", ChatTemplates.choose("AutoGuess", llama3).name());
    }

    @Test
    void stopsEndTheAssistantsTurn() {
        assertEquals(List.of("<|im_end|>", "<|im_start|>user"), ChatTemplates.CHATML.stops());
    }
}
