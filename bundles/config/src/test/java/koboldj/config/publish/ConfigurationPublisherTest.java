package koboldj.config.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import koboldj.config.CommandLine;
import koboldj.config.Settings;

class ConfigurationPublisherTest {
    @TempDir
    Path folder;

    @Test
    void aReloadTakesTheFilesFlagsButKeepsWhereAndHowTheServerRuns() throws Exception {
        Path model = Files.writeString(folder.resolve("m.gguf"), "x");
        Path other = Files.writeString(folder.resolve("other.gguf"), "x");
        Path file = Files.writeString(folder.resolve("next.kcpps"), """
                {"model_param": "other.gguf", "contextsize": 1024, "port": 7000, "host": "0.0.0.0",
                 "admin": false, "adminpassword": "changed", "password": "api", "threads": 3}""");
        Settings current = CommandLine.parse(List.of("--model", model.toString(), "--port", "5005", "--admin",
                "--admindir", folder.toString(), "--adminpassword", "key", "--contextsize", "4096"), folder).settings();

        Settings next = ConfigurationPublisher.reloaded(current, file);
        assertEquals(other.toString(), next.text("model"));
        assertEquals(1024, next.integer("contextsize"));
        assertEquals(3, next.integer("threads"));
        assertEquals("api", next.text("password"));
        assertEquals(5005, next.integer("port"));
        assertEquals("127.0.0.1", next.text("host"));
        assertEquals(true, next.enabled("admin"));
        assertEquals("key", next.text("adminpassword"));
        assertEquals(folder.toString(), next.text("admindir"));
    }

    @Test
    void aReloadKeepsTheModelFolderAndBudgetAndFillsTheBudgetFromTheFolder() throws Exception {
        Path model = Files.writeString(folder.resolve("m.gguf"), "x");
        Path models = Files.createDirectories(folder.resolve("models"));
        Path a = Files.writeString(models.resolve("a.gguf"), "x");
        Files.writeString(models.resolve("b.gguf"), "x");
        Path file = Files.writeString(folder.resolve("next.kcpps"), "{\"model\": [\"m.gguf\"], \"contextsize\": 1024}");
        Settings current = CommandLine.parse(List.of("--model", model.toString(), "--modeldir", models.toString(),
                "--modelmax", "2"), folder).settings();

        Settings next = ConfigurationPublisher.reloaded(current, file);
        assertEquals(models.toString(), next.text("modeldir"));
        assertEquals(2, next.integer("modelmax"));
        assertEquals(model + "\n" + a, next.text("model"), "the file's model, then the folder's first within the budget");
    }

    @Test
    void aModelFileKeepsTheFlagsInForce() throws Exception {
        Path model = Files.writeString(folder.resolve("m.gguf"), "x");
        Path other = Files.writeString(folder.resolve("other.gguf"), "x");
        Settings current = CommandLine.parse(List.of("--model", model.toString(), "--contextsize", "4096"), folder).settings();

        Settings next = ConfigurationPublisher.reloaded(current, other);
        assertEquals(other.toString(), next.text("model"));
        assertEquals(4096, next.integer("contextsize"));
    }

    @Test
    void aReloadKeepsTheOperatorsKeyAndLimitsUnlessTheFileNamesThem() throws Exception {
        Path model = Files.writeString(folder.resolve("m.gguf"), "x");
        Path onlyModel = Files.writeString(folder.resolve("only-model.kcpps"),
                "{\"model_param\": \"m.gguf\", \"contextsize\": 1024}");
        Settings current = CommandLine.parse(List.of("--model", model.toString(), "--password", "secret",
                "--maxrequestsize", "1", "--multiuser", "8", "--parallel", "2", "--quiet",
                "--set", "org.example.echo.greeting=hi"), folder).settings();

        Settings next = ConfigurationPublisher.reloaded(current, onlyModel);
        assertEquals(1024, next.integer("contextsize"));
        assertEquals("secret", next.text("password"));
        assertEquals(1, next.integer("maxrequestsize"));
        assertEquals(8, next.integer("multiuser"));
        assertEquals(2, next.integer("parallel"));
        assertEquals(true, next.enabled("quiet"));
        assertEquals("org.example.echo.greeting=hi", next.text("set"), "--set is the operator's too");

        Path naming = Files.writeString(folder.resolve("naming.kcpps"),
                "{\"maxrequestsize\": 4, \"multiuser\": 1, \"quiet\": false, \"password\": \"other\"}");
        Settings named = ConfigurationPublisher.reloaded(current, naming);
        assertEquals(4, named.integer("maxrequestsize"));
        assertEquals(1, named.integer("multiuser"));
        assertEquals(false, named.enabled("quiet"));
        assertEquals("other", named.text("password"));
    }

    @Test
    void aFileCannotClearThePasswordInForce() throws Exception {
        Path model = Files.writeString(folder.resolve("m.gguf"), "x");
        Settings current = CommandLine.parse(List.of("--model", model.toString(), "--password", "secret"), folder).settings();
        for (String password : new String[] {"\"\"", "\"  \"", "null"}) {
            Path file = Files.writeString(folder.resolve("clear.kcpps"), "{\"password\": " + password + "}");
            assertEquals("secret", ConfigurationPublisher.reloaded(current, file).text("password"), password);
        }
    }
}
