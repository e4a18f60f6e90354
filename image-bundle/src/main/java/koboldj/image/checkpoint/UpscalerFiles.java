package koboldj.image.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens an ESRGAN upscaler (RRDBNet) file — {@code .safetensors} converted from a {@code .pth}, or
 * stable-diffusion.cpp's {@code .gguf}, which keeps the same names — with its tensors under
 * Real-ESRGAN's names ({@code conv_first}, {@code body.N.rdbM.convK}, {@code conv_body},
 * {@code conv_upN}, {@code conv_hr}, {@code conv_last}). The older ESRGAN naming
 * ({@code model.0}, {@code model.1.sub.N.RDBM.convK.0}, {@code model.1.sub.B}, then the numbered
 * convolutions of the upsampler and the head) is renamed to that.
 */
public final class UpscalerFiles {
    private static final Logger LOG = LoggerFactory.getLogger(UpscalerFiles.class);
    /** Prefixes a converter may leave from the .pth's top-level dictionary. */
    private static final List<String> WRAPPERS = List.of("params_ema.", "params.", "module.");
    private static final Pattern OLD_DENSE = Pattern.compile("model\\.1\\.sub\\.(\\d+)\\.RDB(\\d)\\.conv(\\d)\\.0\\.(weight|bias)");
    private static final Pattern OLD_TRUNK = Pattern.compile("model\\.1\\.sub\\.(\\d+)\\.(weight|bias)");
    private static final Pattern OLD_TAIL = Pattern.compile("model\\.(\\d+)\\.(weight|bias)");

    private UpscalerFiles() {
    }

    /**
     * The upscaler's tensors under Real-ESRGAN names; the file stays mapped until the source is closed.
     *
     * @throws IllegalArgumentException with a sentence saying what is wrong if the file is malformed or holds no RRDBNet
     * @throws UncheckedIOException     if the file cannot be read
     */
    public static TensorSource open(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + " is not a file");
        }
        String name = file.getFileName().toString();
        if (name.endsWith(".pth") || name.endsWith(".pt") || name.endsWith(".ckpt")) {
            throw new IllegalArgumentException(name + " is a pickled PyTorch file, which is not read (it can run code); "
                    + "convert it to .safetensors");
        }
        Arena arena = Arena.ofShared();
        try {
            Map<String, StoredTensor> stored = isGguf(file) ? GgufFile.read(file, arena).tensors() : SafetensorsFile.read(file, arena);
            Map<String, StoredTensor> tensors = realEsrganNames(stored);
            if (!tensors.containsKey("conv_first.weight") || !tensors.containsKey("conv_last.weight")) {
                throw new IllegalArgumentException(name + " is no ESRGAN (RRDBNet) upscaler: it has neither conv_first.weight"
                        + " and conv_last.weight nor model.0.weight and the numbered convolutions after model.1");
            }
            LOG.info("Mapped the upscaler {} ({} tensors)", name, tensors.size());
            return new MappedTensors(arena, tensors);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** The tensors renamed to Real-ESRGAN's names, whichever of the two namings they come in. */
    static Map<String, StoredTensor> realEsrganNames(Map<String, StoredTensor> stored) {
        Map<String, StoredTensor> unwrapped = new LinkedHashMap<>();
        stored.forEach((name, tensor) -> {
            String bare = WRAPPERS.stream().filter(name::startsWith).findFirst().map(p -> name.substring(p.length())).orElse(name);
            unwrapped.put(bare, renamed(tensor, bare));
        });
        if (!unwrapped.containsKey("model.0.weight")) {
            return unwrapped;
        }
        Map<String, StoredTensor> renamed = new LinkedHashMap<>();
        TreeMap<Integer, String> tail = new TreeMap<>();
        int trunk = -1;
        for (String name : unwrapped.keySet()) {
            Matcher trunkConv = OLD_TRUNK.matcher(name);
            Matcher tailConv = OLD_TAIL.matcher(name);
            if (trunkConv.matches()) {
                trunk = Math.max(trunk, Integer.parseInt(trunkConv.group(1)));
            } else if (tailConv.matches() && Integer.parseInt(tailConv.group(1)) >= 2) {
                tail.put(Integer.parseInt(tailConv.group(1)), "");
            }
        }
        // the numbered convolutions after the trunk are the upsampler's, then conv_hr, then conv_last
        List<Integer> order = List.copyOf(tail.keySet());
        for (int i = 0; i < order.size(); i++) {
            int fromEnd = order.size() - i;
            tail.put(order.get(i), fromEnd == 1 ? "conv_last" : fromEnd == 2 ? "conv_hr" : "conv_up" + (i + 1));
        }
        for (Map.Entry<String, StoredTensor> entry : unwrapped.entrySet()) {
            String name = entry.getKey();
            Matcher dense = OLD_DENSE.matcher(name);
            Matcher trunkConv = OLD_TRUNK.matcher(name);
            Matcher tailConv = OLD_TAIL.matcher(name);
            String target;
            if (name.startsWith("model.0.")) {
                target = "conv_first." + name.substring("model.0.".length());
            } else if (dense.matches()) {
                target = "body." + dense.group(1) + ".rdb" + dense.group(2) + ".conv" + dense.group(3) + "." + dense.group(4);
            } else if (trunkConv.matches() && Integer.parseInt(trunkConv.group(1)) == trunk) {
                target = "conv_body." + trunkConv.group(2);
            } else if (tailConv.matches() && tail.containsKey(Integer.parseInt(tailConv.group(1)))) {
                target = tail.get(Integer.parseInt(tailConv.group(1))) + "." + tailConv.group(2);
            } else {
                target = name;
            }
            renamed.put(target, renamed(entry.getValue(), target));
        }
        return renamed;
    }

    private static StoredTensor renamed(StoredTensor tensor, String name) {
        return name.equals(tensor.name()) ? tensor : new StoredTensor(name, tensor.type(), tensor.shape(), tensor.data());
    }

    private static boolean isGguf(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return Arrays.equals(in.readNBytes(4), new byte[] {'G', 'G', 'U', 'F'});
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
