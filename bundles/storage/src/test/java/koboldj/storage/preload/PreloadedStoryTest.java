package koboldj.storage.preload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreloadedStoryTest {
    @TempDir
    Path folder;

    private static String text(PreloadedStory story) {
        return new String(story.json(), StandardCharsets.UTF_8);
    }

    @Test
    void noSettingServesAnEmptyObject() throws IOException {
        assertEquals("{}", text(PreloadedStory.from("", folder)));
        assertEquals("{}", text(PreloadedStory.from("  ", folder)));
    }

    @Test
    void aFileIsServedAsWritten() throws IOException {
        String story = "{\"prompt\": \"It was a dark night\", \"memory\": \"\"}";
        Files.writeString(folder.resolve("story.json"), story);
        assertEquals(story, text(PreloadedStory.from("story.json", folder)));
        assertEquals(story, text(PreloadedStory.from(folder.resolve("story.json").toString(), Path.of("/"))));
    }

    @Test
    void theJsonItselfIsAccepted() throws IOException {
        assertEquals("{\"prompt\":\"x\"}", text(PreloadedStory.from("{\"prompt\":\"x\"}", folder)));
    }

    @Test
    void aMissingOrBrokenStoryIsAnError() throws IOException {
        assertTrue(assertThrows(IOException.class, () -> PreloadedStory.from("nope.json", folder))
                .getMessage().contains("not a file"));
        Files.writeString(folder.resolve("broken.json"), "{\"prompt\": ");
        assertTrue(assertThrows(IOException.class, () -> PreloadedStory.from("broken.json", folder))
                .getMessage().contains("not JSON"));
        Files.writeString(folder.resolve("list.json"), "[1]");
        assertTrue(assertThrows(IOException.class, () -> PreloadedStory.from("list.json", folder))
                .getMessage().contains("not a JSON object"));
    }
}
