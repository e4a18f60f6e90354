package koboldj.testing.sdcheckpoints;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The real-sized layouts against the published parameter counts and names of SD 1.5 and SD 2.1. */
class LdmLayoutTest {

    private static long parameters(List<TensorSpec> layout, String prefix) {
        return layout.stream().filter(t -> t.name().startsWith(prefix) && !t.integer()).mapToLong(TensorSpec::elements).sum();
    }

    @Test
    void sd15HasThePublishedParameterCounts() {
        List<TensorSpec> layout = LdmLayout.of(SdShape.sd15());
        assertEquals(859_520_964L, parameters(layout, "model.diffusion_model."));
        assertEquals(83_653_863L, parameters(layout, "first_stage_model."));
        assertEquals(123_060_480L, parameters(layout, "cond_stage_model."));
        Map<String, TensorSpec> byName = layout.stream().collect(Collectors.toMap(TensorSpec::name, Function.identity()));
        for (String name : List.of("input_blocks.3.0.op.weight", "input_blocks.6.0.op.weight", "input_blocks.9.0.op.weight",
                "output_blocks.2.1.conv.weight", "output_blocks.5.2.conv.weight", "output_blocks.8.2.conv.weight")) {
            assertTrue(byName.containsKey("model.diffusion_model." + name), name);
        }
        assertArrayEquals(new long[] {320, 320, 1, 1},
                byName.get("model.diffusion_model.input_blocks.1.1.proj_in.weight").shape());
        assertArrayEquals(new long[] {640, 768},
                byName.get("model.diffusion_model.input_blocks.4.1.transformer_blocks.0.attn2.to_k.weight").shape());
        assertArrayEquals(new long[] {1, 77},
                byName.get("cond_stage_model.transformer.text_model.embeddings.position_ids").shape());
    }

    @Test
    void sd21HasThePublishedUnetSizeAndOpenClipLayout() {
        List<TensorSpec> layout = LdmLayout.of(SdShape.sd21());
        assertEquals(865_910_724L, parameters(layout, "model.diffusion_model."));
        Map<String, TensorSpec> byName = layout.stream().collect(Collectors.toMap(TensorSpec::name, Function.identity()));
        assertArrayEquals(new long[] {320, 320}, byName.get("model.diffusion_model.input_blocks.1.1.proj_in.weight").shape());
        assertArrayEquals(new long[] {3072, 1024},
                byName.get("cond_stage_model.model.transformer.resblocks.23.attn.in_proj_weight").shape());
        assertArrayEquals(new long[] {77, 1024}, byName.get("cond_stage_model.model.positional_embedding").shape());
    }

    @Test
    void sdxlHasThePublishedUnetSizeAndItsTwoEncoders() {
        List<TensorSpec> layout = LdmLayout.of(SdShape.sdxl());
        assertEquals(2_567_463_684L, parameters(layout, "model.diffusion_model."));
        Map<String, TensorSpec> byName = layout.stream().collect(Collectors.toMap(TensorSpec::name, Function.identity()));
        assertArrayEquals(new long[] {1280, 2816}, byName.get("model.diffusion_model.label_emb.0.0.weight").shape());
        assertArrayEquals(new long[] {640, 2048},
                byName.get("model.diffusion_model.input_blocks.4.1.transformer_blocks.1.attn2.to_k.weight").shape());
        assertTrue(byName.containsKey("model.diffusion_model.middle_block.1.transformer_blocks.9.norm3.weight"));
        assertTrue(!byName.containsKey("model.diffusion_model.input_blocks.1.1.norm.weight"), "no attention on level 0");
        assertArrayEquals(new long[] {1280, 1280}, byName.get("conditioner.embedders.1.model.text_projection").shape());
        assertArrayEquals(new long[] {49408, 768},
                byName.get("conditioner.embedders.0.transformer.text_model.embeddings.token_embedding.weight").shape());
        assertTrue(byName.containsKey("conditioner.embedders.1.model.transformer.resblocks.31.attn.in_proj_weight"));
    }
}
