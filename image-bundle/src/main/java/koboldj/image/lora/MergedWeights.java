package koboldj.image.lora;

import java.lang.foreign.Arena;
import java.util.Map;

import koboldj.image.checkpoint.StoredTensor;

/** Copies of a checkpoint's tensors with LoRAs merged in, by LDM name, stored as the originals; closing frees them. */
public final class MergedWeights implements AutoCloseable {
    private final Arena arena;
    private final Map<String, StoredTensor> tensors;

    MergedWeights(Arena arena, Map<String, StoredTensor> tensors) {
        this.arena = arena;
        this.tensors = Map.copyOf(tensors);
    }

    /** Nothing merged. */
    public static MergedWeights none() {
        return new MergedWeights(Arena.ofShared(), Map.of());
    }

    public Map<String, StoredTensor> tensors() {
        return tensors;
    }

    @Override
    public void close() {
        arena.close();
    }
}
