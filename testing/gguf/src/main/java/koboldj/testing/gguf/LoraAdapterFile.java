package koboldj.testing.gguf;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import koboldj.testing.gguf.GgufWriter.Tensor;

/**
 * Writes a LoRA adapter (GGUF, as llama.cpp's convert_lora_to_gguf makes them) for a model, with
 * random A and B matrices on the named weight matrices: for each {@code W} of ggml dimensions
 * [in, out], {@code W.lora_a} is [in, rank] and {@code W.lora_b} is [rank, out]. llama.cpp adds
 * scale × alpha / rank × B·A·x to W·x.
 */
public final class LoraAdapterFile {

    private LoraAdapterFile() {
    }

    /**
     * @param model   the model the adapter is for: its architecture and tensor dimensions are read from it
     * @param targets weight matrices to adapt, e.g. {@code blk.0.attn_q.weight}
     * @param spread  standard deviation of the A and B entries
     */
    public static void write(Path model, Path out, List<String> targets, int rank, float alpha, double spread, long seed)
            throws IOException {
        GgufMetadata base = GgufMetadata.read(model);
        GgufMetadata adapter = new GgufMetadata();
        adapter.putString("general.architecture", base.string("general.architecture"));
        adapter.putString("general.type", "adapter");
        adapter.putString("adapter.type", "lora");
        adapter.putFloat32("adapter.lora.alpha", alpha);
        SplittableRandom random = new SplittableRandom(seed);
        double half = spread * Math.sqrt(3);
        List<Tensor> tensors = new ArrayList<>();
        for (String target : targets) {
            long[] dimensions = base.tensorDimensions(target);
            tensors.add(Tensor.f32(target + ".lora_a", new long[] {dimensions[0], rank}, () -> random.nextDouble(-half, half)));
            tensors.add(Tensor.f32(target + ".lora_b", new long[] {rank, dimensions[1]}, () -> random.nextDouble(-half, half)));
        }
        GgufWriter.write(out, adapter, tensors);
    }
}
