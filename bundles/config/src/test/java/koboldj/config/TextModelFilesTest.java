package koboldj.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextModelFilesTest {
    @TempDir
    Path dir;

    private Settings parse(String... args) throws FlagException {
        return CommandLine.parse(List.of(args), dir).settings();
    }

    private Path file(String name) throws Exception {
        return Files.writeString(dir.resolve(name), "x");
    }

    @Test
    void modelMayBeRepeatedOrTakeSeveralFilesTheFirstTheDefault() throws Exception {
        Path a = file("a.gguf");
        Path b = file("b.gguf");
        Path c = file("c.gguf");
        assertEquals(List.of(a, b), TextModelFiles.listed(parse("--model", "a.gguf", "--model", "b.gguf")));
        assertEquals(List.of(c, a, b), TextModelFiles.listed(parse("--model", "c.gguf", "a.gguf", "b.gguf", "--quiet")));
        assertEquals("a", TextModelFiles.name(a));
    }

    @Test
    void theModelFolderFillsTheBudgetInNameOrderAfterTheModelFlags() throws Exception {
        Path first = file("first.gguf");
        Path models = Files.createDirectories(dir.resolve("models"));
        Path x = Files.writeString(models.resolve("x.gguf"), "x");
        Path y = Files.writeString(models.resolve("y.gguf"), "y");
        Files.writeString(models.resolve("z.gguf"), "z");
        Files.writeString(models.resolve("notes.txt"), "not a model");
        assertEquals(List.of(first, x, y), TextModelFiles.listed(parse("--model", "first.gguf", "--modeldir", "models",
                "--modelmax", "3")));
        assertEquals(3, TextModelFiles.listed(parse("--modeldir", "models")).size(), "the default budget of 4 takes all three");
    }

    @Test
    void moreModelsThanTheBudgetOrTwoOfOneNameAreRefused() throws Exception {
        file("a.gguf");
        file("b.gguf");
        Path other = Files.createDirectories(dir.resolve("other"));
        Files.writeString(other.resolve("a.gguf"), "x");
        FlagException over = assertThrows(FlagException.class, () -> parse("--model", "a.gguf", "b.gguf", "--modelmax", "1"));
        assertTrue(over.getMessage().contains("--modelmax 1"), over.getMessage());
        FlagException twice = assertThrows(FlagException.class, () -> parse("--model", "a.gguf", "other/a.gguf"));
        assertTrue(twice.getMessage().contains("'a'"), twice.getMessage());
    }

    @Test
    void oneModelIsAddedOrRemovedByNameTheOthersKept() throws Exception {
        Path a = file("a.gguf");
        Path b = file("b.gguf");
        Path c = file("c.gguf");
        Settings settings = parse("--model", "a.gguf", "b.gguf", "--modelmax", "3");
        Settings added = TextModelFiles.adding(settings, c);
        assertEquals(List.of(a, b, c), TextModelFiles.listed(added));
        assertThrows(FlagException.class, () -> TextModelFiles.adding(added, file("d.gguf")), "the budget is spent");
        assertThrows(FlagException.class, () -> TextModelFiles.adding(settings, b), "b is loaded");
        assertEquals(List.of(b, c), TextModelFiles.listed(TextModelFiles.removing(added, "a")));
        FlagException unknown = assertThrows(FlagException.class, () -> TextModelFiles.removing(settings, "zz"));
        assertTrue(unknown.getMessage().contains("a, b"), unknown.getMessage());
    }

    @Test
    void aKcppsFileMayListSeveralModels() throws Exception {
        Path a = file("a.gguf");
        Path b = file("b.gguf");
        Path config = Files.writeString(dir.resolve("two.kcpps"), "{\"model\": [\"a.gguf\", \"b.gguf\"], \"contextsize\": 1024}");
        assertEquals(List.of(a, b), TextModelFiles.listed(parse("--config", config.toString())));
    }
}
