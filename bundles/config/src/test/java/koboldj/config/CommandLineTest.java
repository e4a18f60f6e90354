package koboldj.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandLineTest {
    @TempDir
    Path dir;

    private CommandLine parse(String... args) throws FlagException {
        return CommandLine.parse(List.of(args), dir);
    }

    private String error(String... args) {
        return assertThrows(FlagException.class, () -> parse(args)).getMessage();
    }

    @Test
    void defaultsMatchKoboldCpp() throws FlagException {
        Settings settings = parse().settings();
        assertEquals(5001, settings.integer("port"));
        assertEquals("127.0.0.1", settings.text("host"));
        assertEquals(4096, settings.integer("contextsize"));
        assertEquals(512, settings.integer("batchsize"));
        assertEquals(32, settings.integer("maxrequestsize"));
        assertEquals(4, settings.integer("parallel"));
        assertEquals("", settings.text("model"));
    }

    @Test
    void readsValuesInBothSpellingsAndAliases() throws FlagException {
        Settings settings = parse("--port", "6000", "--contextsize=4096", "-t", "2", "--blasbatchsize", "256",
                "--password", "secret", "--quiet").settings();
        assertEquals(6000, settings.integer("port"));
        assertEquals(4096, settings.integer("contextsize"));
        assertEquals(2, settings.integer("threads"));
        assertEquals(256, settings.integer("batchsize"));
        assertEquals("secret", settings.text("password"));
        assertTrue(settings.enabled("quiet"));
    }

    @Test
    void positionalModelAndPortAsKoboldCpp() throws Exception {
        Path model = Files.writeString(dir.resolve("tiny.gguf"), "x");
        Settings settings = parse("tiny.gguf", "5055").settings();
        assertEquals(model.toString(), settings.text("model"));
        assertEquals(5055, settings.integer("port"));
    }

    @Test
    void multiuserTakesAnOptionalNumber() throws FlagException {
        assertEquals(1, parse("--multiuser").settings().integer("multiuser"));
        assertEquals(5, parse("--multiuser", "5").settings().integer("multiuser"));
        assertEquals(1, parse("--multiuser", "--quiet").settings().integer("multiuser"));
    }

    @Test
    void imageMemoryFlagsTakeKoboldCppsFormsFromFlagsAndConfigFiles() throws IOException, FlagException {
        Settings defaults = parse().settings();
        assertEquals(0, defaults.integer("sdquant"));
        assertEquals(0, defaults.integer("sdclamped"));
        assertEquals(768, defaults.integer("sdtiledvae"));
        // argparse's const: a bare --sdquant is q4_0 (2), a bare --sdclamped 512
        assertEquals(2, parse("--sdquant").settings().integer("sdquant"));
        assertEquals(1, parse("--sdquant", "1").settings().integer("sdquant"));
        assertEquals(512, parse("--sdclamped", "--quiet").settings().integer("sdclamped"));
        assertEquals(768, parse("--sdclamped", "768").settings().integer("sdclamped"));
        Settings flags = parse("--sdnotile", "--sdtiledvae", "1024", "--sdclampedsoft", "640", "--sdvaeauto").settings();
        assertTrue(flags.enabled("sdnotile"));
        assertTrue(flags.enabled("sdvaeauto"));
        assertEquals(1024, flags.integer("sdtiledvae"));
        assertEquals(640, flags.integer("sdclampedsoft"));
        assertEquals("--sdquant must be one of [0, 1, 2], not 3", error("--sdquant", "3"));
        assertEquals("--sdclamped must be between 0 and 8192, not -1", error("--sdclamped", "-1"));
        assertEquals("--sdtaesd: no such file or folder: taesd.safetensors", error("--sdtaesd", "taesd.safetensors"));
        // older KoboldCpp files keep sdquant as a switch: true is its bare form
        Path kcpps = Files.writeString(dir.resolve("sd.kcpps"), """
                {"sdquant": true, "sdclamped": 640, "sdnotile": true, "sdtiledvae": 512}""");
        Settings file = parse("--config", kcpps.toString()).settings();
        assertEquals(2, file.integer("sdquant"));
        assertEquals(640, file.integer("sdclamped"));
        assertTrue(file.enabled("sdnotile"));
        assertEquals(512, file.integer("sdtiledvae"));
        Path off = Files.writeString(dir.resolve("off.kcpps"), "{\"sdquant\": false}");
        assertEquals(0, parse("--config", off.toString()).settings().integer("sdquant"));
        Path wrong = Files.writeString(dir.resolve("q.kcpps"), "{\"sdquant\": 5}");
        assertEquals("q.kcpps: --sdquant must be one of [0, 1, 2], not 5", error("--config", wrong.toString()));
    }

    @Test
    void compatibilityFlagsAreAccepted() throws FlagException {
        assertEquals(CommandLine.Action.RUN, parse("--skiplauncher", "--gpulayers", "99", "--usecpu").action());
    }

    @Test
    void helpAndVersion() throws FlagException {
        assertEquals(CommandLine.Action.HELP, parse("--port", "1", "--help").action());
        assertEquals(CommandLine.Action.VERSION, parse("--version").action());
        for (Flag flag : Flags.all()) {
            assertTrue(Flags.help().contains("--" + flag.name()), flag.name());
        }
    }

    @Test
    void mistakesAreOneClearLine() {
        assertEquals("unknown flag --bogus (see --help)", error("--bogus"));
        assertEquals("--port needs a whole number, not 'abc'", error("--port", "abc"));
        assertEquals("--port must be between 1 and 65535, not 70000", error("--port", "70000"));
        assertEquals("--contextsize must be between 256 and 262144, not 10", error("--contextsize", "10"));
        assertTrue(error("--batchsize", "100").startsWith("--batchsize must be one of"));
        assertEquals("--model needs a value (see --help)", error("--model"));
        assertEquals("--model: no such file or folder: missing.gguf", error("--model", "missing.gguf"));
        assertEquals("--quiet is a switch: give it without a value", error("--quiet=maybe"));
        assertEquals("unexpected argument 'c' (see --help)", error("a.gguf", "5003", "c"));
    }

    @Test
    void aStoryObjectInAConfigFileBecomesItsJsonText() throws IOException, FlagException {
        Path kcpps = Files.writeString(dir.resolve("story.kcpps"), """
                {"preloadstory": {"prompt": "Once", "actions": ["a"]}, "multiplayer": true, "savedatafile": "s"}
                """);
        Settings settings = parse("--config", kcpps.toString()).settings();
        assertEquals("{\"prompt\":\"Once\",\"actions\":[\"a\"]}", settings.text("preloadstory"));
        assertTrue(settings.enabled("multiplayer"));
        assertEquals(dir.resolve("s").toString(), settings.text("savedatafile"));
    }

    @Test
    void configFileValuesYieldToTheCommandLine() throws IOException, FlagException {
        Files.writeString(dir.resolve("m.gguf"), "x");
        Path kcpps = Files.writeString(dir.resolve("my.kcpps"), """
                {"model": [], "model_param": "m.gguf", "port": 5005, "port_param": 5001,
                 "contextsize": 2048, "threads": 3, "blasbatchsize": 128, "password": null,
                 "quiet": true, "multiuser": 1, "onready": "rm -rf /", "usecuda": null,
                 "somethingnew": {"a": 1}}
                """);
        Settings settings = parse("--config", kcpps.toString(), "--contextsize", "4096").settings();
        assertEquals(dir.resolve("m.gguf").toString(), settings.text("model"));
        assertEquals(5005, settings.integer("port"));
        assertEquals(4096, settings.integer("contextsize"));
        assertEquals(3, settings.integer("threads"));
        assertEquals(128, settings.integer("batchsize"));
        assertEquals("", settings.text("password"));
        assertEquals("", settings.text("onready"), "a shell command is never taken from a file");
        assertTrue(settings.enabled("quiet"));
    }

    @Test
    void engineSwitchesFromFlagsAndConfigFiles() throws IOException, FlagException {
        Settings defaults = parse().settings();
        assertEquals(180, defaults.integer("defaultgenamt"), "the KoboldAI API's default amount");
        assertFalse(defaults.enabled("nobostoken") || defaults.enabled("nofastforward") || defaults.enabled("noshift"));
        Settings flags = parse("--defaultgenamt", "100", "--nobostoken", "--nofastforward", "--noshift").settings();
        assertEquals(100, flags.integer("defaultgenamt"));
        assertTrue(flags.enabled("nobostoken") && flags.enabled("nofastforward") && flags.enabled("noshift"));
        Path kcpps = Files.writeString(dir.resolve("engine.kcpps"), """
                {"defaultgenamt": 300, "nobostoken": true, "nofastforward": false, "noshift": true}
                """);
        Settings file = parse("--config", kcpps.toString()).settings();
        assertEquals(300, file.integer("defaultgenamt"));
        assertTrue(file.enabled("nobostoken") && file.enabled("noshift"));
        assertFalse(file.enabled("nofastforward"));
        assertEquals("--defaultgenamt must be between 64 and 32768, not 10", error("--defaultgenamt", "10"));
        Path wrong = Files.writeString(dir.resolve("gen.kcpps"), "{\"defaultgenamt\": 0}");
        assertEquals("gen.kcpps: --defaultgenamt must be between 64 and 32768, not 0", error("--config", wrong.toString()));
    }

    @Test
    void attentionAndLoadingFlagsFromFlagsAndConfigFiles() throws IOException, FlagException {
        Files.writeString(dir.resolve("m.gguf"), "x");
        Settings defaults = parse().settings();
        assertEquals(0, defaults.integer("quantkv"));
        assertEquals("0.0 10000.0", defaults.text("ropeconfig"));
        Settings flags = parse("--flashattention", "--quantkv", "2", "--ropeconfig", "0.5", "20000", "--nommap", "--usemlock",
                "m.gguf").settings();
        assertTrue(flags.enabled("flashattention") && flags.enabled("nommap") && flags.enabled("usemlock"));
        assertEquals(2, flags.integer("quantkv"));
        assertEquals("0.5 20000.0", flags.text("ropeconfig"));
        assertTrue(flags.text("model").endsWith("m.gguf"), "the positional model after the two numbers");
        assertEquals("0.25 10000.0", parse("--ropeconfig", "0.25").settings().text("ropeconfig"), "KoboldCpp's base when left out");
        Path kcpps = Files.writeString(dir.resolve("attention.kcpps"), """
                {"flashattention": true, "quantkv": 1, "ropeconfig": [0.0, 10000.0], "nommap": true, "usemlock": false}
                """);
        Settings file = parse("--config", kcpps.toString()).settings();
        assertEquals(1, file.integer("quantkv"));
        assertEquals("0.0 10000.0", file.text("ropeconfig"));
        assertTrue(file.enabled("flashattention") && file.enabled("nommap"));
        assertTrue(error("--quantkv", "3").startsWith("--quantkv must be one of [0, 1, 2]"));
        assertEquals("--ropeconfig needs numbers, not 'fast'", error("--ropeconfig", "fast"));
        assertEquals("--ropeconfig takes numbers from 0 to 1e9, not -1", error("--ropeconfig=-1"));
        Path wrong = Files.writeString(dir.resolve("rope.kcpps"), "{\"ropeconfig\": [1, 2, 3]}");
        assertEquals("rope.kcpps: --ropeconfig takes one or two numbers, not '1 2 3'", error("--config", wrong.toString()));
    }

    @Test
    void draftModelAndAmountFromFlagsAndConfigFiles() throws IOException, FlagException {
        Files.writeString(dir.resolve("draft.gguf"), "x");
        assertEquals(8, parse().settings().integer("draftamount"), "KoboldCpp's default");
        Settings flags = parse("--draftmodel", dir.resolve("draft.gguf").toString(), "--draftamount", "4", "--draftgpulayers", "99")
                .settings();
        assertTrue(flags.text("draftmodel").endsWith("draft.gguf"));
        assertEquals(4, flags.integer("draftamount"));
        Path kcpps = Files.writeString(dir.resolve("draft.kcpps"), "{\"draftmodel\": \"" + dir.resolve("draft.gguf")
                + "\", \"draftamount\": 3}");
        Settings file = parse("--config", kcpps.toString()).settings();
        assertTrue(file.text("draftmodel").endsWith("draft.gguf"));
        assertEquals(3, file.integer("draftamount"));
        assertEquals("--draftamount must be between 1 and 64, not 0", error("--draftamount", "0"));
        assertEquals("--draftamount must be between 1 and 64, not 65", error("--draftamount", "65"));
    }

    @Test
    void metadataOverrideAndExpertsFromFlagsAndConfigFiles() throws IOException, FlagException {
        assertEquals("", parse().settings().text("overridekv"));
        assertEquals(-1, parse().settings().integer("moeexperts"));
        Settings flags = parse("--overridekv", "llama.context_length=int:4096", "--moeexperts", "2").settings();
        assertEquals("llama.context_length=int:4096", flags.text("overridekv"));
        assertEquals(2, flags.integer("moeexperts"));
        Path kcpps = Files.writeString(dir.resolve("moe.kcpps"), """
                {"overridekv": "general.name=str:x", "moeexperts": 4}
                """);
        Settings file = parse("--config", kcpps.toString()).settings();
        assertEquals("general.name=str:x", file.text("overridekv"));
        assertEquals(4, file.integer("moeexperts"));
        assertTrue(error("--overridekv", "novalue").startsWith("--overridekv takes KEY=TYPE:VALUE"));
        assertEquals("--overridekv: TYPE is int, float, bool or str, not 'long'", error("--overridekv", "k=long:1"));
        assertEquals("--overridekv: 'x' is no int value", error("--overridekv", "k=int:x"));
        assertEquals("--moeexperts must be between -1 and 256, not -2", error("--moeexperts", "-2"));
    }

    @Test
    void loraAdaptersFollowTheFlagAsInArgparseAndComeFromConfigFileLists() throws IOException, FlagException {
        Path first = Files.writeString(dir.resolve("a.gguf"), "x");
        Path second = Files.writeString(dir.resolve("b.gguf"), "x");
        assertEquals("", parse().settings().text("lora"));
        assertEquals(1.0, parse().settings().get("loramult"));
        Settings flags = parse("--lora", "a.gguf", "b.gguf", "--loramult", "0.5").settings();
        assertEquals(first + "\n" + second, flags.text("lora"));
        assertEquals(0.5, flags.get("loramult"));
        assertEquals(first + "\n" + second, parse("--lora", "a.gguf", "--lora", "b.gguf").settings().text("lora"));
        Path kcpps = Files.writeString(dir.resolve("lora.kcpps"), "{\"lora\": [\"a.gguf\", \"b.gguf\"], \"loramult\": 2}");
        Settings file = parse("--config", kcpps.toString()).settings();
        assertEquals(first + "\n" + second, file.text("lora"));
        assertEquals(2.0, file.get("loramult"));
        assertEquals(file, Settings.fromProperties(file.toProperties()::get), "survives the framework properties");
        assertEquals("--lora: no such file or folder: missing.gguf", error("--lora", "a.gguf", "missing.gguf"));
        assertEquals("--loramult needs a number, not 'strong'", error("--loramult", "strong"));
        assertEquals("--loramult must be between 0 and 100, not -1.0", error("--loramult=-1"));
        assertEquals("--lora needs a value (see --help)", error("--lora"));
    }

    @Test
    void imageLoraFlagsComeFromTheCommandLineAndConfigFiles() throws IOException, FlagException {
        Path lora = Files.writeString(dir.resolve("ink.safetensors"), "x");
        Path folder = Files.createDirectory(dir.resolve("loras"));
        assertEquals("", parse().settings().text("sdlora"));
        assertEquals(1.0, parse().settings().get("sdloramult"));
        Settings flags = parse("--sdlora", "ink.safetensors", "--sdloramult", "-0.5", "--sdloradir", "loras").settings();
        assertEquals(lora.toString(), flags.text("sdlora"));
        assertEquals(-0.5, flags.get("sdloramult"));
        assertEquals(folder.toString(), flags.text("sdloradir"));
        Path kcpps = Files.writeString(dir.resolve("image.kcpps"),
                "{\"sdlora\": \"ink.safetensors\", \"sdloramult\": 0.8, \"sdloradir\": \"loras\"}");
        Settings file = parse("--config", kcpps.toString()).settings();
        assertEquals(lora.toString(), file.text("sdlora"));
        assertEquals(0.8, file.get("sdloramult"));
        assertEquals(folder.toString(), file.text("sdloradir"));
        assertEquals(file, Settings.fromProperties(file.toProperties()::get), "survives the framework properties");
        assertEquals("--sdloramult must be between -100 and 100, not 101.0", error("--sdloramult=101"));
        assertEquals("--sdlora: no such file or folder: missing.safetensors", error("--sdlora", "missing.safetensors"));
    }

    @Test
    void configFileMistakesNameTheFile() throws IOException {
        Path broken = Files.writeString(dir.resolve("broken.kcpps"), "{not json");
        assertTrue(error("--config", broken.toString()).startsWith("broken.kcpps is not a JSON object"));
        Path wrong = Files.writeString(dir.resolve("wrong.kcpps"), "{\"contextsize\": \"big\"}");
        assertEquals("wrong.kcpps: --contextsize needs a whole number, not 'big'", error("--config", wrong.toString()));
        Path flag = Files.writeString(dir.resolve("flag.kcpps"), "{\"quiet\": 3}");
        assertEquals("flag.kcpps: 'quiet' must be true or false, not 3", error("--config", flag.toString()));
    }

    @Test
    void settingsSurviveTheTripThroughFrameworkProperties() throws FlagException {
        Settings settings = parse("--port", "6001", "--password", "p w", "--websearch").settings();
        assertEquals(settings, Settings.fromProperties(settings.toProperties()::get));
    }

    @Test
    void webSearchFlagsReachTheWebSearchConfigurationAndTheUrlIsChecked() throws FlagException {
        Settings settings = parse("--websearch", "--websearchurl", "http://127.0.0.1:8888", "--websearchallowlocal").settings();
        assertEquals(java.util.Map.of("websearch", true, "websearchurl", "http://127.0.0.1:8888", "websearchallowlocal", true),
                settings.forPid(Pids.WEBSEARCH));
        assertEquals("", parse().settings().text("websearchurl"));
        assertEquals("--websearchurl needs an http or https address such as http://127.0.0.1:8080, not 'file:///etc/passwd'",
                error("--websearchurl", "file:///etc/passwd"));
        assertTrue(error("--websearchurl", "searx.local").startsWith("--websearchurl needs an http or https address"));
    }

    @Test
    void aModelFlagTakesAFileOrTheBareNameOfABuiltInEngine() throws IOException, FlagException {
        assertEquals("espeak-ng", parse("--ttsmodel", "espeak-ng").settings().forPid(Pids.TTS).get("ttsmodel"));
        Path model = Files.createFile(dir.resolve("voice.gguf"));
        assertEquals(model.toString(), parse("--ttsmodel", "voice.gguf").settings().text("ttsmodel"));
        assertEquals("--ttsmodel: no such file or folder: missing.gguf", error("--ttsmodel", "missing.gguf"));
        assertEquals("--ttsmodel: no such file or folder: some/where", error("--ttsmodel", "some/where"));
    }

    @Test
    void eachPidGetsOnlyItsFlags() throws FlagException {
        Settings settings = parse("--password", "k").settings();
        assertEquals("k", settings.forPid(Pids.SERVER).get("password"));
        assertTrue(!settings.forPid(Pids.TEXT).containsKey("password"));
        assertTrue(settings.forPid(Pids.TEXT).containsKey("contextsize"));
    }

    @Test
    void setIsRepeatableAndReachesAnyPid() throws Exception {
        Settings settings = parse("--set", "org.example.echo.greeting=hi there", "--set=koboldj.text.contextsize=1024",
                "--set", "org.example.echo.greeting=a=b").settings();
        assertEquals("org.example.echo.greeting=hi there\nkoboldj.text.contextsize=1024\norg.example.echo.greeting=a=b",
                settings.text("set"));
        var byPid = PropertyAssignments.byPid(settings.text("set"));
        assertEquals(java.util.Map.of("greeting", "a=b"), byPid.get("org.example.echo"), "the later one wins");
        assertEquals(java.util.Map.of("contextsize", "1024"), byPid.get("koboldj.text"));
    }

    @Test
    void setNeedsAPidAKeyAndAValue() {
        for (String bad : new String[] {"nokey=1", "pid.key", ".key=1", "pid.=1", "pid.key with space=1"}) {
            assertThrows(FlagException.class, () -> parse("--set", bad), bad);
        }
    }
}
