package koboldj.image.lora;

import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import koboldj.image.checkpoint.SafetensorsFile;
import koboldj.image.checkpoint.StoredTensor;

/**
 * A LoRA {@code .safetensors} file, mapped, as its layers. Keys are read in kohya's spelling
 * ({@code MODULE.lora_down.weight}, {@code MODULE.lora_up.weight}, {@code MODULE.alpha}), PEFT's
 * ({@code MODULE.lora_A.weight}, {@code MODULE.lora_B.weight}, optionally under {@code base_model.model.}) and older
 * diffusers' ({@code MODULE.lora.down.weight}, {@code MODULE.lora.up.weight}). Closing unmaps it.
 */
public final class LoraFile implements AutoCloseable {
    private static final String PEFT_PREFIX = "base_model.model.";
    private static final String[][] DOWN_UP = {
        {".lora_down.weight", ".lora_up.weight"},
        {".lora_A.weight", ".lora_B.weight"},
        {".lora.down.weight", ".lora.up.weight"}};

    /**
     * One low-rank update: {@code up [out, rank(, 1, 1)]} times {@code down [rank, in(, kh, kw)]}.
     *
     * @param alpha the file's alpha for it, or NaN if it has none (then the scale is 1, as PEFT files without one)
     */
    public record Layer(String module, StoredTensor down, StoredTensor up, float alpha) {

        public long rank() {
            return down.shape()[0];
        }
    }

    private final Path path;
    private final Arena arena;
    private final List<Layer> layers;

    private LoraFile(Path path, Arena arena, List<Layer> layers) {
        this.path = path;
        this.arena = arena;
        this.layers = layers;
    }

    /**
     * Maps and reads a LoRA file.
     *
     * @throws IllegalArgumentException with a sentence, if it is no safetensors file or holds no LoRA layers, or a
     *                                  layer lacks its up or down half or they do not fit together
     */
    public static LoraFile open(Path path) {
        Arena arena = Arena.ofShared();
        try {
            Map<String, StoredTensor> tensors = new LinkedHashMap<>();
            SafetensorsFile.read(path, arena).forEach((name, tensor) ->
                    tensors.put(name.startsWith(PEFT_PREFIX) ? name.substring(PEFT_PREFIX.length()) : name, tensor));
            return new LoraFile(path, arena, layers(path.getFileName().toString(), tensors));
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    static List<Layer> layers(String file, Map<String, StoredTensor> tensors) {
        List<Layer> layers = new ArrayList<>();
        for (Map.Entry<String, StoredTensor> entry : tensors.entrySet()) {
            String key = entry.getKey();
            if (key.endsWith(".lora_mid.weight")) {
                throw new IllegalArgumentException(file + " is a LoCon with a middle (lora_mid) factor, which is not read");
            }
            for (String[] spelling : DOWN_UP) {
                if (key.endsWith(spelling[0])) {
                    String module = key.substring(0, key.length() - spelling[0].length());
                    StoredTensor up = tensors.get(module + spelling[1]);
                    if (up == null) {
                        throw new IllegalArgumentException(file + " has " + key + " but not " + module + spelling[1]);
                    }
                    layers.add(new Layer(module, checked(file, entry.getValue(), up), up, alpha(file, tensors.get(module + ".alpha"))));
                }
            }
        }
        if (layers.isEmpty()) {
            throw new IllegalArgumentException(file + " holds no LoRA layers (tensors named MODULE.lora_down.weight/"
                    + "lora_up.weight or MODULE.lora_A.weight/lora_B.weight)");
        }
        return List.copyOf(layers);
    }

    /** The down half, once it is seen to fit the up half: up [out, rank(, 1, 1)], down [rank, …]. */
    private static StoredTensor checked(String file, StoredTensor down, StoredTensor up) {
        long[] d = down.shape();
        long[] u = up.shape();
        boolean upFits = u.length == 2 || u.length == 4 && u[2] == 1 && u[3] == 1;
        if (d.length != 2 && d.length != 4 || !upFits || u[1] != d[0] || d[0] < 1) {
            throw new IllegalArgumentException(file + ": " + down.name() + " " + java.util.Arrays.toString(d) + " and "
                    + up.name() + " " + java.util.Arrays.toString(u) + " are no low-rank pair");
        }
        return down;
    }

    private static float alpha(String file, StoredTensor alpha) {
        if (alpha == null) {
            return Float.NaN;
        }
        if (alpha.elements() != 1) {
            throw new IllegalArgumentException(file + ": " + alpha.name() + " is not one number");
        }
        return TensorNumbers.floats(alpha)[0];
    }

    public Path path() {
        return path;
    }

    public List<Layer> layers() {
        return layers;
    }

    @Override
    public void close() {
        arena.close();
    }
}
