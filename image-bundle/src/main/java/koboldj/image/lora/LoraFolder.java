package koboldj.image.lora;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The LoRA files of the --sdloradir folder: its {@code .safetensors} files (not those of sub-folders), named by file
 * name without the extension. A name a client sends is looked up among them, never made into a path, so no name
 * reaches outside the folder.
 */
public final class LoraFolder {
    private static final String SUFFIX = ".safetensors";

    /** One LoRA file: its name in prompts, and where it is. */
    public record Entry(String name, Path path) {
    }

    private final Path folder;

    /** @param folder the folder, or null when no --sdloradir is set */
    public LoraFolder(Path folder) {
        this.folder = folder == null ? null : folder.toAbsolutePath().normalize();
    }

    /** The LoRA files there now, by name; none without a folder. */
    public List<Entry> list() {
        if (folder == null || !Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(Files::isRegularFile)
                    .filter(file -> file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(SUFFIX))
                    .map(file -> new Entry(stem(file.getFileName().toString()), file))
                    .sorted(java.util.Comparator.comparing(Entry::name)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the LoRA folder " + folder + ": " + e.getMessage(), e);
        }
    }

    /**
     * The file a prompt's {@code <lora:NAME>} means: the one named so, with or without {@code .safetensors}.
     *
     * @throws IllegalArgumentException with a sentence if there is none (or the name has a folder in it)
     */
    public Path find(String name) {
        if (name.contains("/") || name.contains("\\") || name.equals("..") || name.equals(".")) {
            throw new IllegalArgumentException("the LoRA \"" + name + "\" is not a file name: LoRAs are named by their "
                    + "file in the LoRA folder, without folders");
        }
        if (folder == null) {
            throw new IllegalArgumentException("the prompt asks for the LoRA \"" + name + "\" but no LoRA folder is set "
                    + "(--sdloradir)");
        }
        List<Entry> entries = list();
        return entries.stream()
                .filter(entry -> entry.name().equals(name) || entry.path().getFileName().toString().equals(name))
                .map(Entry::path).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("the LoRA \"" + name + "\" is not in the LoRA folder; "
                        + (entries.isEmpty() ? "it has none" : "it has " + String.join(", ",
                        entries.stream().map(Entry::name).toList()))));
    }

    private static String stem(String file) {
        return file.substring(0, file.length() - SUFFIX.length());
    }
}
