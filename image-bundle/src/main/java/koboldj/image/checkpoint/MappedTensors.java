package koboldj.image.checkpoint;

import java.lang.foreign.Arena;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/** Tensors of mapped files by name; closing it unmaps them all at once (one shared arena, as native code reads them from any thread). */
final class MappedTensors implements TensorSource {

    private final Arena arena;
    private final Map<String, StoredTensor> tensors;
    private final SortedSet<String> names;

    MappedTensors(Arena arena, Map<String, StoredTensor> tensors) {
        this.arena = arena;
        this.tensors = Map.copyOf(tensors);
        this.names = Collections.unmodifiableSortedSet(new TreeSet<>(tensors.keySet()));
    }

    @Override
    public Optional<StoredTensor> tensor(String name) {
        return Optional.ofNullable(tensors.get(name));
    }

    @Override
    public SortedSet<String> names() {
        return names;
    }

    @Override
    public void close() {
        arena.close();
    }
}
