package koboldj.image.nn;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import koboldj.image.checkpoint.TensorType;

/** Which of a real SDXL checkpoint's matrices --sdquant quantises. */
class WeightQuantizationTest {

    @Test
    void linearLayersWithWholeBlocksAreQuantisedButNotWhatIsReadTransposedOrLookedUp() {
        WeightQuantization q8 = WeightQuantization.Q8_0;
        assertTrue(q8.quantises("conditioner.embedders.1.model.transformer.resblocks.0.attn.in_proj_weight", TensorType.F16, 1280));
        assertTrue(q8.quantises("model.diffusion_model.input_blocks.4.1.transformer_blocks.0.attn1.to_q.weight", TensorType.F16, 640));
        // read through a transposed view, which ggml cannot copy out of quantised blocks: SDXL crashed at the first prompt
        assertFalse(q8.quantises("conditioner.embedders.1.model.text_projection", TensorType.F16, 1280));
        assertFalse(q8.quantises("conditioner.embedders.1.model.token_embedding.weight", TensorType.F16, 1280));
        assertFalse(q8.quantises("model.diffusion_model.label_emb.0.0.weight", TensorType.F16, 2816));
        assertFalse(q8.quantises("model.diffusion_model.time_embed.0.weight", TensorType.F16, 320));
        assertFalse(q8.quantises("conditioner.embedders.0.transformer.text_model.encoder.layers.0.mlp.fc1.weight", TensorType.F16, 48),
                "rows of part of a block");
        assertFalse(WeightQuantization.NONE.quantises("model.diffusion_model.out.2.weight", TensorType.F16, 320));
    }
}
