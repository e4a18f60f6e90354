package koboldj.testing.sdcheckpoints;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import koboldj.testing.gguf.GgufMetadata;
import koboldj.testing.gguf.GgufWriter.Tensor;

/**
 * Writes a layout as stable-diffusion.cpp's converter writes a {@code .gguf} checkpoint: the tensors it never loads
 * left out, an SD 2.x OpenCLIP text encoder under Hugging Face CLIP names with each fused q/k/v projection split in
 * three (SDXL's OpenCLIP-bigG likewise, under {@code cond_stage_model.1.transformer.text_model.} with its
 * {@code text_projection} kept as stored, and its CLIP-L under {@code cond_stage_model.transformer.text_model.}), the
 * UNet's proj_in/proj_out weights as 1×1 convolutions, the asked type for every tensor whose innermost
 * dimension is a multiple of 32 and F16 for the rest, dimensions as ggml counts them, data aligned to 32 bytes.
 * One string of metadata ({@value #FAMILY_KEY}) names the family, which a tiny text encoder's width cannot tell.
 */
final class GgufCheckpointWriter {

    static final String FAMILY_KEY = "koboldj.sd.family";
    private static final List<String> NOT_WRITTEN = List.of("betas", "alphas_cumprod_prev", "sqrt_alphas_cumprod",
            "sqrt_one_minus_alphas_cumprod", "log_one_minus_alphas_cumprod", "sqrt_recip_alphas_cumprod",
            "sqrt_recipm1_alphas_cumprod", "posterior_variance", "posterior_log_variance_clipped",
            "posterior_mean_coef1", "posterior_mean_coef2",
            "cond_stage_model.transformer.text_model.embeddings.position_ids", "cond_stage_model.model.logit_scale",
            "cond_stage_model.model.text_projection",
            "conditioner.embedders.0.transformer.text_model.embeddings.position_ids", "conditioner.embedders.1.model.logit_scale");
    private static final String OPEN_CLIP = "cond_stage_model.model.";
    private static final String HF_TEXT = "cond_stage_model.transformer.text_model.";
    /** SDXL's encoders in the checkpoint, and where stable-diffusion.cpp puts them. */
    private static final String XL_CLIP_L = "conditioner.embedders.0.transformer.text_model.";
    private static final String XL_OPEN_CLIP = "conditioner.embedders.1.model.";
    private static final String XL_HF_TEXT_2 = "cond_stage_model.1.transformer.text_model.";
    private static final Map<String, String> OPEN_CLIP_TO_HF = Map.of(
            "token_embedding.weight", "embeddings.token_embedding.weight",
            "positional_embedding", "embeddings.position_embedding.weight",
            "ln_final.weight", "final_layer_norm.weight",
            "ln_final.bias", "final_layer_norm.bias",
            "text_projection", "text_projection");
    private static final Map<String, String> RESBLOCK_TO_HF = Map.ofEntries(
            Map.entry("ln_1.weight", "layer_norm1.weight"), Map.entry("ln_1.bias", "layer_norm1.bias"),
            Map.entry("ln_2.weight", "layer_norm2.weight"), Map.entry("ln_2.bias", "layer_norm2.bias"),
            Map.entry("mlp.c_fc.weight", "mlp.fc1.weight"), Map.entry("mlp.c_fc.bias", "mlp.fc1.bias"),
            Map.entry("mlp.c_proj.weight", "mlp.fc2.weight"), Map.entry("mlp.c_proj.bias", "mlp.fc2.bias"),
            Map.entry("attn.out_proj.weight", "self_attn.out_proj.weight"),
            Map.entry("attn.out_proj.bias", "self_attn.out_proj.bias"));

    /** A tensor as written: its GGUF name and shape, and which rows of which layout tensor it holds. */
    private record Written(String name, long[] shape, TensorSpec source, int part, int parts) {
    }

    private GgufCheckpointWriter() {
    }

    static void write(Path file, List<TensorSpec> tensors, SdFamily family, StorageType type, long seed) throws IOException {
        if (type == StorageType.BF16) {
            throw new IllegalArgumentException("stable-diffusion.cpp's converter writes no BF16 GGUF");
        }
        List<Written> written = new ArrayList<>();
        for (TensorSpec tensor : tensors) {
            if (NOT_WRITTEN.stream().noneMatch(tensor.name()::startsWith)) {
                convert(tensor, written);
            }
        }
        GgufMetadata metadata = new GgufMetadata();
        if (family != null) {
            metadata.putString(FAMILY_KEY, family.name());
        }
        List<Tensor> encoded = new ArrayList<>();
        for (Written tensor : written) {
            long[] shape = tensor.shape;
            StorageType stored = type.quantised() && shape[shape.length - 1] % 32 != 0 ? StorageType.F16 : type;
            long[] dims = new long[shape.length];
            for (int d = 0; d < shape.length; d++) {
                dims[d] = shape[shape.length - 1 - d];
            }
            encoded.add(new Tensor(tensor.name, dims, stored.ggmlType, stored.bytes(elements(shape)), () -> {
                float[] all = SeededWeights.values(seed, tensor.source);
                int length = all.length / tensor.parts;
                return Encodings.encode(Arrays.copyOfRange(all, tensor.part * length, (tensor.part + 1) * length), stored);
            }));
        }
        koboldj.testing.gguf.GgufWriter.write(file, metadata, encoded);
    }

    private static void convert(TensorSpec tensor, List<Written> written) {
        String name = tensor.name();
        long[] shape = ggmlDimensions(tensor.shape());
        if (name.startsWith("model.diffusion_model.") && (name.endsWith("proj_in.weight") || name.endsWith("proj_out.weight"))
                && shape.length == 2) {
            shape = new long[] {shape[0], shape[1], 1, 1};
        }
        if (name.startsWith(XL_CLIP_L)) {
            written.add(new Written(HF_TEXT + name.substring(XL_CLIP_L.length()), shape, tensor, 0, 1));
            return;
        }
        String openClip = name.startsWith(OPEN_CLIP) ? OPEN_CLIP : name.startsWith(XL_OPEN_CLIP) ? XL_OPEN_CLIP : null;
        if (openClip == null) {
            written.add(new Written(name, shape, tensor, 0, 1));
            return;
        }
        String hf = openClip.equals(OPEN_CLIP) ? HF_TEXT : XL_HF_TEXT_2;
        String rest = name.substring(openClip.length());
        String resblocks = "transformer.resblocks.";
        if (OPEN_CLIP_TO_HF.containsKey(rest)) {
            written.add(new Written(hf + OPEN_CLIP_TO_HF.get(rest), shape, tensor, 0, 1));
        } else if (rest.startsWith(resblocks)) {
            String layer = rest.substring(resblocks.length(), rest.indexOf('.', resblocks.length()));
            String suffix = rest.substring(resblocks.length() + layer.length() + 1);
            String prefix = hf + "encoder.layers." + layer + ".";
            if (suffix.startsWith("attn.in_proj_")) {
                String kind = suffix.endsWith("weight") ? "weight" : "bias";
                long[] part = shape.clone();
                part[0] /= 3;
                String[] parts = {"q", "k", "v"};
                for (int i = 0; i < 3; i++) {
                    written.add(new Written(prefix + "self_attn." + parts[i] + "_proj." + kind, part, tensor, i, 3));
                }
            } else {
                written.add(new Written(prefix + RESBLOCK_TO_HF.getOrDefault(suffix, suffix), shape, tensor, 0, 1));
            }
        } else {
            written.add(new Written(name, shape, tensor, 0, 1));
        }
    }

    /** ggml counts a tensor's dimensions without its outermost extents of 1 (ggml_n_dims), at least one. */
    private static long[] ggmlDimensions(long[] shape) {
        int skip = 0;
        while (skip < shape.length - 1 && shape[skip] == 1) {
            skip++;
        }
        return shape.length == 0 ? new long[] {1} : Arrays.copyOfRange(shape, skip, shape.length);
    }

    private static long elements(long[] shape) {
        long count = 1;
        for (long dimension : shape) {
            count *= dimension;
        }
        return count;
    }




}
