package koboldj.image.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** stable-diffusion.cpp's spelling of an SD 2.x text encoder, told by its width of 1024 as stable-diffusion.cpp tells it. */
class LdmNamesTest {

    private static final String HF = "cond_stage_model.transformer.text_model.";

    private static StoredTensor tensor(String name, MemorySegment data, long... shape) {
        return new StoredTensor(name, TensorType.F16, shape, data);
    }

    @Test
    void aWidth1024HfTextEncoderBecomesOpenClipWithQkvFusedInPlace() {
        MemorySegment file = MemorySegment.ofArray(new byte[4096]);
        Map<String, StoredTensor> tensors = new LinkedHashMap<>();
        tensors.put(HF + "embeddings.token_embedding.weight", tensor(HF + "embeddings.token_embedding.weight",
                file.asSlice(0, 16), 49408, 1024));
        for (int i = 0; i < 3; i++) {
            String name = HF + "encoder.layers.0.self_attn." + "qkv".charAt(i) + "_proj.weight";
            tensors.put(name, tensor(name, file.asSlice(1024 + i * 512, 512), 1024, 1024));
            String bias = HF + "encoder.layers.0.self_attn." + "qkv".charAt(i) + "_proj.bias";
            tensors.put(bias, tensor(bias, file.asSlice(3000 + i * 64, 32), 1024));
        }
        tensors.put(HF + "encoder.layers.0.mlp.fc1.weight", tensor(HF + "encoder.layers.0.mlp.fc1.weight",
                file.asSlice(16, 16), 4096, 1024));
        String projection = "model.diffusion_model.input_blocks.1.1.proj_in.weight";
        tensors.put(projection, tensor(projection, file.asSlice(32, 16), 320, 320, 1, 1));
        try (Arena arena = Arena.ofConfined()) {
            Map<String, StoredTensor> ldm = LdmNames.normalise(tensors, file, null, arena);
            assertEquals(java.util.Set.of("cond_stage_model.model.token_embedding.weight",
                    "cond_stage_model.model.transformer.resblocks.0.attn.in_proj_weight",
                    "cond_stage_model.model.transformer.resblocks.0.attn.in_proj_bias",
                    "cond_stage_model.model.transformer.resblocks.0.mlp.c_fc.weight", projection), ldm.keySet());
            StoredTensor weight = ldm.get("cond_stage_model.model.transformer.resblocks.0.attn.in_proj_weight");
            assertArrayEquals(new long[] {3072, 1024}, weight.shape());
            assertEquals(1024 + file.address(), weight.data().address(), "back-to-back q/k/v stay a view of the file");
            assertEquals(1536, weight.data().byteSize());
            StoredTensor bias = ldm.get("cond_stage_model.model.transformer.resblocks.0.attn.in_proj_bias");
            assertNotEquals(file.address() + 3000, bias.data().address(), "scattered q/k/v are copied");
            assertEquals(96, bias.data().byteSize());
            assertArrayEquals(new long[] {320, 320}, ldm.get(projection).shape());
        }
    }

    @Test
    void earlyCheckpointsGetTheTextModelLevel() {
        MemorySegment file = MemorySegment.ofArray(new byte[64]);
        Map<String, StoredTensor> tensors = new LinkedHashMap<>();
        for (String name : java.util.List.of("cond_stage_model.transformer.embeddings.token_embedding.weight",
                "cond_stage_model.transformer.encoder.layers.0.mlp.fc1.weight",
                "cond_stage_model.transformer.final_layer_norm.weight", "model.diffusion_model.out.2.weight")) {
            tensors.put(name, tensor(name, file, 4, 4));
        }
        assertEquals(java.util.Set.of(HF + "embeddings.token_embedding.weight", HF + "encoder.layers.0.mlp.fc1.weight",
                HF + "final_layer_norm.weight", "model.diffusion_model.out.2.weight"),
                LdmNames.normalise(tensors, file, null, null).keySet());
    }

    @Test
    void clipLOf768IsLeftAsItIs() {
        MemorySegment file = MemorySegment.ofArray(new byte[64]);
        Map<String, StoredTensor> tensors = Map.of(HF + "embeddings.token_embedding.weight",
                tensor(HF + "embeddings.token_embedding.weight", file, 49408, 768));
        assertSame(tensors, LdmNames.normalise(tensors, file, null, null));
    }
}
