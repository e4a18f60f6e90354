package koboldj.config;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads a KoboldCpp {@code .kcpps} file: a JSON object keyed by argparse names. Keys koboldj does
 * not know are ignored, as KoboldCpp does; relative paths in it are taken from the file's folder.
 */
public final class KcppsFile {

    private KcppsFile() {
    }

    /** {@code base} with the file's values laid over it. */
    public static Settings read(Path file, Settings base) throws FlagException {
        return read(file, base, new HashSet<>());
    }

    /**
     * {@code base} with the file's values laid over it; {@code named} receives the name of every
     * flag the file sets (a key with a null value sets nothing).
     */
    public static Settings read(Path file, Settings base, Set<String> named) throws FlagException {
        Map<?, ?> json;
        try {
            json = new ObjectMapper().readValue(file.toFile(), Map.class);
        } catch (JsonProcessingException e) {
            throw new FlagException(file.getFileName() + " is not a JSON object: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new FlagException("cannot read " + file + ": " + e.getMessage());
        }
        Settings settings = base;
        for (Map.Entry<?, ?> entry : json.entrySet()) {
            String key = canonicalKey(String.valueOf(entry.getKey()));
            var flag = Flags.find(key);
            if (flag.isEmpty() || key.equals("config") || key.equals("onready") || flag.get().type() == FlagType.ASSIGNMENT) {
                // onready runs a shell command: KoboldCpp refuses it from a file too; --set is the operator's
                continue;
            }
            Object value = entry.getValue();
            if (value == null) {
                continue;
            }
            if (key.equals("model") && json.get("model_param") instanceof String param && !param.isBlank()) {
                value = param;
            }
            if (value instanceof Map<?, ?> object && flag.get().type() == FlagType.TEXT) {
                // KoboldCpp lets a file carry e.g. the preloaded story itself instead of its path
                value = toJson(object);
            }
            try {
                settings = settings.with(key, flag.get().fromJson(value));
                named.add(flag.get().name());
            } catch (FlagException e) {
                throw new FlagException(file.getFileName() + ": " + e.getMessage());
            }
        }
        if (json.get("port_param") instanceof Number port && port.intValue() != 5001) {
            settings = settings.with("port", Flags.get("port").fromJson(port));
            named.add("port");
        }
        return CommandLine.absolutePaths(settings, file.toAbsolutePath().getParent());
    }

    private static String toJson(Map<?, ?> object) throws FlagException {
        try {
            return new ObjectMapper().writeValueAsString(object);
        } catch (JsonProcessingException e) {
            throw new FlagException("cannot write " + object + " as JSON: " + e.getOriginalMessage());
        }
    }

    /** KoboldCpp's older key names. */
    private static String canonicalKey(String key) {
        return switch (key) {
            case "model_param" -> "model";
            case "blasbatchsize" -> "batchsize";
            default -> key;
        };
    }
}
