package koboldj.image.checkpoint;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Brings the names of early SD 1.x checkpoints and those stable-diffusion.cpp writes into its {@code .gguf} checkpoints back to the LDM/CompVis names of
 * the original checkpoints, so the networks read one spelling. Its converter renames an SD 2.x OpenCLIP text encoder
 * ({@code cond_stage_model.model.*}) to Hugging Face CLIP names under {@code cond_stage_model.transformer.text_model.},
 * splits each fused {@code attn.in_proj_weight}/{@code _bias} into q/k/v, and stores the UNet's linear
 * {@code proj_in}/{@code proj_out} as 1×1 convolutions; this undoes all three. It tells such a text encoder from
 * SD 1.x's CLIP-L (which has the same names) as stable-diffusion.cpp does, by its width of 1024, or by the
 * {@value #FAMILY_KEY} metadata a test checkpoint carries. For SDXL it writes the CLIP-L under
 * {@code cond_stage_model.transformer.text_model.} and the OpenCLIP-bigG, renamed and split the same way, under
 * {@code cond_stage_model.1.transformer.text_model.}; both go back under {@code conditioner.embedders.*}.
 */
final class LdmNames {

    /** GGUF metadata naming the family; written by the test checkpoints, whose tiny text encoders have no telling width. */
    static final String FAMILY_KEY = "koboldj.sd.family";
    static final String HF_TEXT = "cond_stage_model.transformer.text_model.";
    static final String OPEN_CLIP = "cond_stage_model.model.";
    /** SDXL: where the checkpoint keeps its two encoders, and where stable-diffusion.cpp keeps the second. */
    static final String XL_CLIP_L = "conditioner.embedders.0.transformer.text_model.";
    static final String XL_OPEN_CLIP = "conditioner.embedders.1.model.";
    private static final String XL_HF_TEXT_2 = "cond_stage_model.1.transformer.text_model.";
    private static final int OPEN_CLIP_H_WIDTH = 1024;
    private static final String OLD_CLIP = "cond_stage_model.transformer.";
    private static final List<String> OLD_CLIP_PARTS = List.of(OLD_CLIP + "embeddings.", OLD_CLIP + "encoder.",
            OLD_CLIP + "final_layer_norm.");
    private static final Pattern UNET_PROJECTION =
            Pattern.compile("model\\.diffusion_model\\..*\\.proj_(in|out)\\.weight");
    private static final Map<String, String> HF_TO_OPEN_CLIP = Map.of(
            "embeddings.token_embedding.weight", "token_embedding.weight",
            "embeddings.position_embedding.weight", "positional_embedding",
            "final_layer_norm.weight", "ln_final.weight",
            "final_layer_norm.bias", "ln_final.bias",
            "text_projection", "text_projection");
    private static final Map<String, String> HF_TO_OPEN_CLIP_LAYER = Map.ofEntries(
            Map.entry("layer_norm1.weight", "ln_1.weight"), Map.entry("layer_norm1.bias", "ln_1.bias"),
            Map.entry("layer_norm2.weight", "ln_2.weight"), Map.entry("layer_norm2.bias", "ln_2.bias"),
            Map.entry("mlp.fc1.weight", "mlp.c_fc.weight"), Map.entry("mlp.fc1.bias", "mlp.c_fc.bias"),
            Map.entry("mlp.fc2.weight", "mlp.c_proj.weight"), Map.entry("mlp.fc2.bias", "mlp.c_proj.bias"),
            Map.entry("self_attn.out_proj.weight", "attn.out_proj.weight"),
            Map.entry("self_attn.out_proj.bias", "attn.out_proj.bias"),
            Map.entry("attn.in_proj_weight", "attn.in_proj_weight"),
            Map.entry("attn.in_proj_bias", "attn.in_proj_bias"));

    private LdmNames() {
    }

    /**
     * The tensors under LDM names.
     *
     * @param mapping the mapped file the tensors are views of (fused q/k/v that lie back to back stay views of it)
     * @param family  the file's {@value #FAMILY_KEY} metadata, or null
     * @param arena   where fused q/k/v that do not lie back to back are copied to
     */
    static Map<String, StoredTensor> normalise(Map<String, StoredTensor> tensors, MemorySegment mapping, String family,
                                               Arena arena) {
        return openClipFromHf(withTextModelLevel(tensors), mapping, family, arena);
    }

    /**
     * Early SD 1.x checkpoints were saved with an older transformers CLIP that had no {@code text_model} level
     * ({@code cond_stage_model.transformer.encoder.*}); A1111 renames them as it loads, and so does this.
     */
    private static Map<String, StoredTensor> withTextModelLevel(Map<String, StoredTensor> tensors) {
        if (tensors.keySet().stream().noneMatch(name -> OLD_CLIP_PARTS.stream().anyMatch(name::startsWith))) {
            return tensors;
        }
        Map<String, StoredTensor> result = new LinkedHashMap<>();
        for (StoredTensor tensor : tensors.values()) {
            String name = tensor.name();
            boolean old = OLD_CLIP_PARTS.stream().anyMatch(name::startsWith);
            put(result, old ? rename(tensor, HF_TEXT + name.substring(OLD_CLIP.length())) : tensor);
        }
        return result;
    }

    private static Map<String, StoredTensor> openClipFromHf(Map<String, StoredTensor> tensors, MemorySegment mapping,
                                                            String family, Arena arena) {
        if (tensors.keySet().stream().anyMatch(name -> name.startsWith(XL_HF_TEXT_2))) {
            return renamed(tensors, mapping, arena, XL_HF_TEXT_2, XL_OPEN_CLIP, XL_CLIP_L);
        }
        StoredTensor tokens = tensors.get(HF_TEXT + "embeddings.token_embedding.weight");
        boolean openClipAsHf = tokens != null && ("SD2".equals(family)
                || (family == null && tokens.shape().length == 2 && tokens.shape()[1] == OPEN_CLIP_H_WIDTH));
        if (!openClipAsHf) {
            return tensors;
        }
        return renamed(tensors, mapping, arena, HF_TEXT, OPEN_CLIP, null);
    }

    /**
     * The tensors with the OpenCLIP text encoder stored under Hugging Face names at {@code hfText} renamed back to
     * {@code openClip}, its q/k/v fused again, and the UNet's 1×1 proj_in/out made linear; with {@code clipLOrNull},
     * a CLIP-L under {@link #HF_TEXT} moves there (SDXL's first encoder).
     */
    private static Map<String, StoredTensor> renamed(Map<String, StoredTensor> tensors, MemorySegment mapping, Arena arena,
                                                     String hfText, String openClip, String clipLOrNull) {
        Pattern hfLayer = Pattern.compile(Pattern.quote(hfText) + "encoder\\.layers\\.(\\d+)\\.(.+)");
        Map<String, StoredTensor> result = new LinkedHashMap<>();
        Map<String, Map<String, StoredTensor>> splitAttention = new HashMap<>();
        for (StoredTensor tensor : tensors.values()) {
            String name = tensor.name();
            Matcher layer = hfLayer.matcher(name);
            if (layer.matches()) {
                String prefix = openClip + "transformer.resblocks." + layer.group(1) + ".";
                String rest = layer.group(2);
                if (rest.matches("self_attn\\.[qkv]_proj\\.(weight|bias)")) {
                    splitAttention.computeIfAbsent(prefix + "attn.in_proj_" + rest.substring(rest.lastIndexOf('.') + 1),
                            key -> new HashMap<>()).put(rest.substring(10, 11), tensor);
                } else if (HF_TO_OPEN_CLIP_LAYER.containsKey(rest)) {
                    put(result, rename(tensor, prefix + HF_TO_OPEN_CLIP_LAYER.get(rest)));
                }
            } else if (name.startsWith(hfText)) {
                String renamed = HF_TO_OPEN_CLIP.get(name.substring(hfText.length()));
                if (renamed != null) {
                    put(result, rename(tensor, openClip + renamed));
                }
            } else if (clipLOrNull != null && name.startsWith(HF_TEXT)) {
                put(result, rename(tensor, clipLOrNull + name.substring(HF_TEXT.length())));
            } else if (UNET_PROJECTION.matcher(name).matches() && isOneByOne(tensor.shape())) {
                put(result, new StoredTensor(name, tensor.type(), new long[] {tensor.shape()[0], tensor.shape()[1]},
                        tensor.data()));
            } else {
                put(result, tensor);
            }
        }
        splitAttention.forEach((name, parts) -> put(result, fuse(name, parts, mapping, arena)));
        return result;
    }

    private static StoredTensor fuse(String name, Map<String, StoredTensor> parts, MemorySegment mapping, Arena arena) {
        List<StoredTensor> qkv = List.of("q", "k", "v").stream().map(parts::get).toList();
        if (qkv.contains(null)) {
            throw new IllegalArgumentException("the text encoder has only " + parts.keySet() + " of q, k and v for " + name);
        }
        StoredTensor q = qkv.getFirst();
        for (StoredTensor part : qkv) {
            if (part.type() != q.type() || !java.util.Arrays.equals(part.shape(), q.shape())) {
                throw new IllegalArgumentException("the q, k and v tensors for " + name + " differ in type or shape");
            }
        }
        long[] shape = q.shape().clone();
        shape[0] *= 3;
        long bytes = q.data().byteSize();
        long start = q.data().address() - mapping.address();
        boolean backToBack = qkv.get(1).data().address() == q.data().address() + bytes
                && qkv.get(2).data().address() == q.data().address() + 2 * bytes;
        MemorySegment data;
        if (backToBack) {
            data = mapping.asSlice(start, 3 * bytes);
        } else {
            data = arena.allocate(3 * bytes, 64);
            for (int i = 0; i < 3; i++) {
                data.asSlice(i * bytes, bytes).copyFrom(qkv.get(i).data());
            }
        }
        return new StoredTensor(name, q.type(), shape, data);
    }

    private static boolean isOneByOne(long[] shape) {
        return shape.length == 4 && shape[2] == 1 && shape[3] == 1;
    }

    private static StoredTensor rename(StoredTensor tensor, String name) {
        return new StoredTensor(name, tensor.type(), tensor.shape(), tensor.data());
    }

    private static void put(Map<String, StoredTensor> result, StoredTensor tensor) {
        if (result.put(tensor.name(), tensor) != null) {
            throw new IllegalArgumentException("the file holds " + tensor.name() + " under two spellings");
        }
    }
}
