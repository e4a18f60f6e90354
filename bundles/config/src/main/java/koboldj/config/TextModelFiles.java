package koboldj.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The text models to load, one file per line of the {@code model} flag: the --model files, then
 * --modeldir's GGUF files in name order, at most --modelmax in all. A model is known by its file
 * name without the extension (as KoboldCpp names its model), so two files may not share one.
 */
public final class TextModelFiles {

    private TextModelFiles() {
    }

    /** The files the {@code model} flag lists, in order (the first is the default model). */
    public static List<Path> listed(Settings settings) {
        return settings.text("model").lines().filter(line -> !line.isBlank()).map(line -> Path.of(line.strip())).toList();
    }

    /** The name a model file is served under: its file name without .gguf. */
    public static String name(Path file) {
        return file.getFileName().toString().replaceFirst("\\.gguf$", "");
    }

    /**
     * {@code settings} with the --modeldir files that fit the --modelmax budget added to the
     * {@code model} list, which is then what is loaded.
     *
     * @throws FlagException more --model files than --modelmax, or two models of one name
     */
    public static Settings expanded(Settings settings) throws FlagException {
        List<Path> files = new ArrayList<>(listed(settings));
        int budget = settings.integer("modelmax");
        if (files.size() > budget) {
            throw new FlagException(files.size() + " --model files are more than --modelmax " + budget + " allows");
        }
        String folder = settings.text("modeldir");
        if (!folder.isBlank()) {
            for (Path file : inFolder(Path.of(folder))) {
                if (files.size() >= budget) {
                    break;
                }
                if (!files.contains(file) && byName(files, name(file)).isEmpty()) {
                    files.add(file);
                }
            }
        }
        checkNames(files);
        return settings.with("model", join(files));
    }

    /**
     * The --model list with {@code file} added.
     *
     * @throws FlagException it is loaded already, its name is taken, or the budget is spent
     */
    public static Settings adding(Settings settings, Path file) throws FlagException {
        List<Path> files = new ArrayList<>(listed(settings));
        Optional<Path> same = byName(files, name(file));
        if (same.isPresent()) {
            throw new FlagException("a model named '" + name(file) + "' is loaded already (" + same.get().getFileName() + ")");
        }
        int budget = settings.integer("modelmax");
        if (files.size() >= budget) {
            throw new FlagException(files.size() + " text models are loaded, the most --modelmax allows; unload one first");
        }
        files.add(file);
        return settings.with("model", join(files));
    }

    /**
     * The --model list without the model named {@code name}.
     *
     * @throws FlagException no loaded model has that name (the message names the loaded ones)
     */
    public static Settings removing(Settings settings, String name) throws FlagException {
        List<Path> files = new ArrayList<>(listed(settings));
        Path file = byName(files, name).orElseThrow(() -> new FlagException("no text model named '" + name
                + "' is loaded; the loaded ones are: " + String.join(", ", files.stream().map(TextModelFiles::name).toList())));
        files.remove(file);
        return settings.with("model", join(files));
    }

    /** The GGUF files directly in {@code folder}, in name order. */
    public static List<Path> inFolder(Path folder) throws FlagException {
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.filter(Files::isRegularFile)
                    .filter(file -> file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".gguf"))
                    .map(file -> file.toAbsolutePath().normalize()).sorted().toList();
        } catch (IOException e) {
            throw new FlagException("--modeldir: cannot list " + folder + ": " + e.getMessage());
        }
    }

    private static void checkNames(List<Path> files) throws FlagException {
        Map<String, Path> seen = new LinkedHashMap<>();
        for (Path file : files) {
            Path before = seen.putIfAbsent(name(file), file);
            if (before != null) {
                throw new FlagException("--model " + before + " and " + file + " would both be served as '" + name(file)
                        + "'; give one of them another file name");
            }
        }
    }

    private static Optional<Path> byName(List<Path> files, String name) {
        return files.stream().filter(file -> name(file).equals(name)).findFirst();
    }

    private static String join(List<Path> files) {
        return String.join("\n", files.stream().map(Path::toString).toList());
    }
}
