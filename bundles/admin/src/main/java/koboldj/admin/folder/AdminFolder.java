package koboldj.admin.folder;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import koboldj.api.error.ApiException;
import koboldj.api.error.ErrorKind;

/**
 * The --admindir folder: the configurations ({@code .kcpps}, {@code .kcppt}) and models
 * ({@code .gguf}) the admin API may switch to. A name from a client is only ever a plain file name
 * whose real path (symbolic links followed) lies in this folder.
 */
public final class AdminFolder {
    /** KoboldCpp's pseudo-option that unloads the text model. */
    public static final String UNLOAD_MODEL = "unload_model";
    private static final List<String> EXTENSIONS = List.of(".kcpps", ".kcppt", ".gguf");

    private final Path folder;

    /** @param folder an existing folder */
    public AdminFolder(Path folder) throws IOException {
        this.folder = folder.toRealPath();
    }

    /** The options, KoboldCpp's list: file names in the folder, sorted, then {@value #UNLOAD_MODEL}. */
    public List<String> options() throws IOException {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (hasOptionExtension(name) && insideAndRegular(entry)) {
                    names.add(name);
                }
            }
        }
        names.sort(null);
        names.add(UNLOAD_MODEL);
        return names;
    }

    /**
     * The real path of option {@code name}.
     *
     * @throws ApiException BAD_REQUEST for a name that is not a plain option file name or leads out
     *         of the folder, NOT_FOUND when there is no such option
     */
    public Path resolve(String name) {
        if (name == null || name.isBlank()) {
            throw ApiException.badRequest("filename", "'filename' is required: one of the names GET /api/admin/list_options lists.");
        }
        if (name.contains("/") || name.contains("\\") || name.indexOf('\0') >= 0 || name.equals(".") || name.equals("..")
                || Path.of(name).isAbsolute()) {
            throw ApiException.badRequest("filename", "'filename' must be a plain file name in the admin folder, without a path.");
        }
        if (!hasOptionExtension(name)) {
            throw ApiException.badRequest("filename", "'filename' must end in .kcpps, .kcppt or .gguf.");
        }
        Path path = folder.resolve(name);
        if (!Files.exists(path)) {
            throw new ApiException(ErrorKind.NOT_FOUND, "There is no " + name + " in the admin folder; GET /api/admin/list_options lists the options.", "filename");
        }
        Path real;
        try {
            real = path.toRealPath();
        } catch (IOException e) {
            throw new ApiException(ErrorKind.NOT_FOUND, "There is no " + name + " in the admin folder.", "filename");
        }
        if (!real.getParent().equals(folder) || !Files.isRegularFile(real)) {
            throw ApiException.badRequest("filename", name + " leads outside the admin folder or is not a file; it cannot be used.");
        }
        return real;
    }

    private boolean insideAndRegular(Path entry) {
        try {
            Path real = entry.toRealPath();
            return real.getParent().equals(folder) && Files.isRegularFile(real);
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean hasOptionExtension(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return EXTENSIONS.stream().anyMatch(lower::endsWith);
    }
}
