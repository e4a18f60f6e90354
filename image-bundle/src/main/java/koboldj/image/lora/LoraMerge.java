package koboldj.image.lora;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import koboldj.image.checkpoint.StoredTensor;
import koboldj.image.checkpoint.TensorSource;

/**
 * Merges LoRAs into copies of the weights they change: W' = W + multiplier · (alpha / rank) · up · down, in float32,
 * then stored back as the weight was (f16, bf16, f32, or requantised to its q4/q5/q8 type). A convolution's update is
 * the same product with {@code down} flattened over its input channels and kernel ([rank, in·kh·kw]). The checkpoint's
 * own tensors are never written.
 */
public final class LoraMerge {

    private LoraMerge() {
    }

    /** How many layers of {@code lora} change a weight of the model {@code targets} describes. */
    public static int matching(LoraTargets targets, LoraFile lora) {
        return (int) lora.layers().stream().filter(layer -> targets.find(layer.module()).isPresent()).count();
    }

    /**
     * The weights {@code loras} change, merged.
     *
     * @throws IllegalArgumentException if a LoRA matches no weight of the model, or a layer's shape does not fit the
     *                                  weight it names
     */
    public static MergedWeights merge(TensorSource model, LoraTargets targets, List<WeightedLora> loras) {
        Map<String, List<Update>> updates = new LinkedHashMap<>();
        for (WeightedLora lora : loras) {
            int matched = 0;
            for (LoraFile.Layer layer : lora.file().layers()) {
                LoraTargets.Target target = targets.find(layer.module()).orElse(null);
                if (target == null) {
                    continue;
                }
                matched++;
                float multiplier = target.text() ? lora.textWeight() : lora.unetWeight();
                if (multiplier != 0) {
                    updates.computeIfAbsent(target.tensor(), name -> new ArrayList<>()).add(new Update(layer, target, multiplier));
                }
            }
            if (matched == 0) {
                throw new IllegalArgumentException(lora.file().path().getFileName() + " matches no layer of this model");
            }
        }
        Arena arena = Arena.ofShared();
        try {
            Map<String, StoredTensor> merged = new LinkedHashMap<>();
            updates.forEach((name, list) -> {
                StoredTensor original = model.tensor(name).orElseThrow();
                float[] values = TensorNumbers.floats(original);
                for (Update update : list) {
                    update.addTo(values, original);
                }
                merged.put(name, new StoredTensor(name, original.type(), original.shape(),
                        TensorNumbers.stored(values, original.type(), original.shape(), arena)));
            });
            return new MergedWeights(arena, merged);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private record Update(LoraFile.Layer layer, LoraTargets.Target target, float multiplier) {

        void addTo(float[] values, StoredTensor weight) {
            long rows = weight.shape()[0] / target.parts();
            long partElements = values.length / target.parts();
            long columns = partElements / rows;
            long rank = layer.rank();
            long out = layer.up().shape()[0];
            long in = layer.down().elements() / rank;
            if (out != rows || in != columns || weight.shape()[0] % target.parts() != 0) {
                throw new IllegalArgumentException("LoRA layer " + layer.module() + " changes " + out + " x " + in
                        + " numbers but " + weight.name() + (target.parts() > 1 ? " (part " + target.part() + ")" : "")
                        + " has " + rows + " x " + columns);
            }
            float alpha = Float.isNaN(layer.alpha()) ? rank : layer.alpha();
            LoraDelta.add(values, (int) (target.part() * partElements), TensorNumbers.floats(layer.up()),
                    TensorNumbers.floats(layer.down()), (int) rows, (int) rank, (int) columns, multiplier * alpha / rank);
        }
    }
}
