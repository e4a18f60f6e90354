package koboldj.storage.preload;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The story given with --preloadstory, which KoboldCpp hands to every client that asks at
 * {@code GET /api/extra/preloadstory}: a JSON file, or (as KoboldCpp also allows, e.g. from a
 * .kcpps file) the JSON object itself. Without one, clients get {@code {}}.
 */
public final class PreloadedStory {
    /** A story file larger than this is a mistake, not a story. */
    static final long MAX_FILE_BYTES = 64L * 1024 * 1024;
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final byte[] NONE = "{}".getBytes(StandardCharsets.UTF_8);

    private final byte[] json;

    private PreloadedStory(byte[] json) {
        this.json = json;
    }

    public static PreloadedStory none() {
        return new PreloadedStory(NONE);
    }

    /**
     * Reads the setting: blank means none, text starting with '{' is the story itself, anything
     * else names a file (relative to {@code workingDirectory}).
     *
     * @throws IOException when the file cannot be read or does not hold a JSON object
     */
    public static PreloadedStory from(String setting, Path workingDirectory) throws IOException {
        String value = setting == null ? "" : setting.strip();
        if (value.isEmpty()) {
            return none();
        }
        if (value.startsWith("{")) {
            return new PreloadedStory(checked(value.getBytes(StandardCharsets.UTF_8), "the --preloadstory value"));
        }
        Path file = workingDirectory.resolve(value);
        if (!Files.isRegularFile(file)) {
            throw new IOException("--preloadstory " + file + " is not a file");
        }
        if (Files.size(file) > MAX_FILE_BYTES) {
            throw new IOException("--preloadstory " + file + " is larger than " + MAX_FILE_BYTES / (1024 * 1024) + " MB");
        }
        return new PreloadedStory(checked(Files.readAllBytes(file), file.toString()));
    }

    /** The story as JSON bytes, served as they were given. */
    public byte[] json() {
        return json.clone();
    }

    private static byte[] checked(byte[] bytes, String source) throws IOException {
        JsonNode story;
        try {
            story = MAPPER.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new IOException(source + " is not JSON: " + e.getOriginalMessage());
        }
        if (story == null || !story.isObject()) {
            throw new IOException(source + " is not a JSON object");
        }
        return bytes;
    }
}
