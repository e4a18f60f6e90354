package koboldj.image.checkpoint;

import java.util.Optional;
import java.util.SortedSet;

/**
 * The tensors of a model file (or of several, e.g. a checkpoint with a replacement VAE), by name.
 * The networks read their widths, depths and head counts from what is here, never from constants.
 */
public interface TensorSource extends AutoCloseable {

    Optional<StoredTensor> tensor(String name);

    /** Every tensor name, sorted, so that a network can count blocks by prefix. */
    SortedSet<String> names();

    /** Unmaps the files; the tensors' data is invalid afterwards. */
    @Override
    void close();
}
