package koboldj.image.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class LoraPromptTest {

    @Test
    void tagsAreTakenOutWithTheirWeights() {
        LoraPrompt parsed = LoraPrompt.parse("a cat <lora:ink:0.6>, <lora:paper> on a mat <lora:style:0.5:-1>");
        assertEquals("a cat ,  on a mat ", parsed.text());
        assertEquals(List.of(new LoraPrompt.Tag("ink", 0.6f, 0.6f), new LoraPrompt.Tag("paper", 1, 1),
                new LoraPrompt.Tag("style", 0.5f, -1)), parsed.tags());
        LoraPrompt none = LoraPrompt.parse("a <dog> (cat:1.2)");
        assertEquals("a <dog> (cat:1.2)", none.text());
        assertTrue(none.tags().isEmpty());
    }

    @Test
    void aTagWithoutNameOrWithAWeightThatIsNoNumberIsRefused() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> LoraPrompt.parse("<lora::1>")).getMessage()
                .contains("<lora:NAME>"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> LoraPrompt.parse("<lora:x:strong>")).getMessage()
                .contains("\"strong\""));
        assertThrows(IllegalArgumentException.class, () -> LoraPrompt.parse("<lora:x:NaN>"));
        assertThrows(IllegalArgumentException.class, () -> LoraPrompt.parse("<lora:x:1e9>"));
        assertThrows(IllegalArgumentException.class, () -> LoraPrompt.parse("<lora:x:1:1:1>"));
    }
}
