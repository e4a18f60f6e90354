package koboldj.image.nn;

import koboldj.image.checkpoint.TensorType;

/**
 * What --sdquant makes of a checkpoint's f16, bf16 and f32 matrices at load: nothing, q8_0 or q4_0 blocks
 * (KoboldCpp's levels 0, 1 and 2). Only linear layers' weights whose rows are whole blocks are quantised, as
 * stable-diffusion.cpp does; convolution kernels stay f16 (ggml's im2col takes no other type), biases and norms f32,
 * and the time and token embeddings as they are. OpenCLIP's {@code text_projection} stays too: it is read
 * transposed, and ggml cannot copy a quantised matrix out of a transposed view (the copy wrote past its buffer and
 * crashed the process on SDXL, whose 1280-wide projection is whole blocks).
 */
public enum WeightQuantization {
    NONE(null), Q8_0(TensorType.Q8_0), Q4_0(TensorType.Q4_0);

    /** The type quantised to, or null for none. */
    final TensorType type;

    WeightQuantization(TensorType type) {
        this.type = type;
    }

    /** KoboldCpp's --sdquant level: 0 off, 1 q8_0, 2 q4_0. */
    public static WeightQuantization ofLevel(int level) {
        return switch (level) {
            case 0 -> NONE;
            case 1 -> Q8_0;
            case 2 -> Q4_0;
            default -> throw new IllegalArgumentException("--sdquant is 0 (off), 1 (q8_0) or 2 (q4_0), not " + level);
        };
    }

    /** Whether a matrix {@code name} stored as {@code stored} with rows of {@code rowLength} numbers is quantised. */
    boolean quantises(String name, TensorType stored, long rowLength) {
        if (type == null || !(stored == TensorType.F16 || stored == TensorType.BF16 || stored == TensorType.F32)) {
            return false;
        }
        return rowLength % type.blockElements == 0 && !name.contains("time_embed.") && !name.contains("label_emb.")
                && !name.contains("embedding") && !name.endsWith("text_projection");
    }
}
