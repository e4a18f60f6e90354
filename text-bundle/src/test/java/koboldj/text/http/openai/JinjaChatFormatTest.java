package koboldj.text.http.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import koboldj.api.error.ApiException;
import koboldj.api.error.ErrorKind;

class JinjaChatFormatTest {
    private static final List<ChatFormat.Message> HI = List.of(new ChatFormat.Message("developer", "Be brief."),
            new ChatFormat.Message("user", "Hi"));

    @Test
    void theModelsTemplateWithoutTheBosTheEngineAddsItself() {
        ChatFormat llama3 = JinjaChatFormat.orFallback("a template", JinjaChatTemplateTest.LLAMA3, "<|begin_of_text|>", "<|end_of_text|>",
                true, ChatTemplates.LLAMA3);
        assertEquals("<|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n",
                llama3.render(HI), "developer is system to a template; BOS comes from the tokenizer");
        ChatFormat keepsBos = JinjaChatFormat.orFallback("a template", JinjaChatTemplateTest.LLAMA3, "<|begin_of_text|>", "", false,
                ChatTemplates.LLAMA3);
        assertTrue(keepsBos.render(HI).startsWith("<|begin_of_text|><|start_header_id|>system"));
        assertEquals(ChatTemplates.LLAMA3.stops(), llama3.stops());
    }

    @Test
    void aRefusalIsTheClientsBadRequest() {
        ChatFormat gemma = JinjaChatFormat.orFallback("a template", JinjaChatTemplateTest.GEMMA2, "<bos>", "<eos>", true, ChatTemplates.GEMMA);
        ApiException refused = assertThrows(ApiException.class, () -> gemma.render(HI));
        assertEquals(ErrorKind.BAD_REQUEST, refused.kind());
        assertTrue(refused.getMessage().contains("System role not supported"), refused.getMessage());
    }

    @Test
    void aTemplateThatCannotRenderFallsBackToTheNamedOne() {
        assertSame(ChatTemplates.CHATML, JinjaChatFormat.orFallback("a template", "{% for m in messages %}{{ m.content ", "", "", true,
                ChatTemplates.CHATML));
        // renders a single message, fails on a longer conversation: that conversation uses the named template
        ChatFormat partial = JinjaChatFormat.orFallback("a template", "{{ messages[0].content }}{% if messages | length > 1 %}"
                + "{{ no_such_function(messages[1].content) }}{% endif %}", "", "", true, ChatTemplates.CHATML);
        assertEquals(ChatTemplates.CHATML.render(HI), partial.render(HI));
    }
}
