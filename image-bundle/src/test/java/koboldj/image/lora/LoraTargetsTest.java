package koboldj.image.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import koboldj.testing.sdcheckpoints.SdCheckpoints;
import koboldj.testing.sdcheckpoints.SdFamily;
import koboldj.testing.sdcheckpoints.SdShape;
import koboldj.testing.sdcheckpoints.TensorSpec;

/** LoRA module names in kohya's and diffusers' spellings against the LDM names of real layouts (diffusers' converter's facts). */
class LoraTargetsTest {
    private static final String UNET = "model.diffusion_model.";

    private static LoraTargets of(SdShape shape) {
        Set<String> names = SdCheckpoints.layout(shape).stream().map(TensorSpec::name).collect(Collectors.toSet());
        return LoraTargets.of(names);
    }

    private static void assertUnet(LoraTargets targets, String module, String ldm) {
        assertEquals(new LoraTargets.Target(UNET + ldm + ".weight", 0, 1, false), targets.find(module).orElse(null), module);
    }

    @Test
    void sd15UnetModulesInEverySpellingMeanTheirLdmWeights() {
        LoraTargets targets = of(SdShape.sd15());
        assertUnet(targets, "lora_unet_down_blocks_0_attentions_1_transformer_blocks_0_attn1_to_q",
                "input_blocks.2.1.transformer_blocks.0.attn1.to_q");
        assertUnet(targets, "unet.down_blocks.0.attentions.1.transformer_blocks.0.attn1.to_q",
                "input_blocks.2.1.transformer_blocks.0.attn1.to_q");
        assertUnet(targets, "down_blocks.0.attentions.1.transformer_blocks.0.attn1.to_q",
                "input_blocks.2.1.transformer_blocks.0.attn1.to_q");
        assertUnet(targets, "lora_unet_input_blocks_2_1_transformer_blocks_0_attn1_to_q",
                "input_blocks.2.1.transformer_blocks.0.attn1.to_q");
        assertUnet(targets, "lora_unet_down_blocks_1_downsamplers_0_conv", "input_blocks.6.0.op");
        assertUnet(targets, "lora_unet_down_blocks_3_resnets_1_time_emb_proj", "input_blocks.11.0.emb_layers.1");
        assertUnet(targets, "lora_unet_down_blocks_1_resnets_0_conv_shortcut", "input_blocks.4.0.skip_connection");
        assertUnet(targets, "lora_unet_mid_block_resnets_1_conv2", "middle_block.2.out_layers.3");
        assertUnet(targets, "lora_unet_mid_block_attentions_0_proj_out", "middle_block.1.proj_out");
        assertUnet(targets, "lora_unet_up_blocks_0_upsamplers_0_conv", "output_blocks.2.1.conv");
        assertUnet(targets, "lora_unet_up_blocks_1_upsamplers_0_conv", "output_blocks.5.2.conv");
        assertUnet(targets, "lora_unet_up_blocks_1_resnets_0_conv_shortcut", "output_blocks.3.0.skip_connection");
        assertUnet(targets, "lora_unet_up_blocks_3_attentions_2_transformer_blocks_0_attn2_to_out_0",
                "output_blocks.11.1.transformer_blocks.0.attn2.to_out.0");
        assertUnet(targets, "lora_unet_up_blocks_3_attentions_2_transformer_blocks_0_ff_net_0_proj",
                "output_blocks.11.1.transformer_blocks.0.ff.net.0.proj");
        assertUnet(targets, "unet.time_embedding.linear_1", "time_embed.0");
        assertUnet(targets, "lora_unet_conv_in", "input_blocks.0.0");
        assertUnet(targets, "lora_unet_conv_out", "out.2");
        assertTrue(targets.find("lora_unet_down_blocks_3_downsamplers_0_conv").isEmpty(), "the deepest level has none");
        assertTrue(targets.find("lora_unet_up_blocks_3_upsamplers_0_conv").isEmpty(), "the shallowest level has none");
        assertTrue(targets.find("lora_unet_no_such_block").isEmpty());
    }

    @Test
    void clipTextModulesMeanTheirWeights() {
        LoraTargets targets = of(SdShape.sd15());
        String clip = "cond_stage_model.transformer.text_model.encoder.layers.";
        assertEquals(new LoraTargets.Target(clip + "11.mlp.fc2.weight", 0, 1, true),
                targets.find("lora_te_text_model_encoder_layers_11_mlp_fc2").orElseThrow());
        assertEquals(new LoraTargets.Target(clip + "0.self_attn.out_proj.weight", 0, 1, true),
                targets.find("text_encoder.text_model.encoder.layers.0.self_attn.out_proj").orElseThrow());
    }

    @Test
    void openClipsFusedQkvIsThreeParts() {
        LoraTargets targets = of(SdShape.sd21());
        String layer = "cond_stage_model.model.transformer.resblocks.3.";
        assertEquals(new LoraTargets.Target(layer + "attn.in_proj_weight", 0, 3, true),
                targets.find("lora_te_text_model_encoder_layers_3_self_attn_q_proj").orElseThrow());
        assertEquals(new LoraTargets.Target(layer + "attn.in_proj_weight", 2, 3, true),
                targets.find("text_encoder.text_model.encoder.layers.3.self_attn.v_proj").orElseThrow());
        assertEquals(new LoraTargets.Target(layer + "mlp.c_fc.weight", 0, 1, true),
                targets.find("lora_te_text_model_encoder_layers_3_mlp_fc1").orElseThrow());
        assertEquals(new LoraTargets.Target(layer + "attn.out_proj.weight", 0, 1, true),
                targets.find("lora_te_text_model_encoder_layers_3_self_attn_out_proj").orElseThrow());
        assertUnet(targets, "lora_unet_down_blocks_0_attentions_0_proj_in", "input_blocks.1.1.proj_in");
    }

    @Test
    void theTestLorasModulesAllFindTheirWeightsInTheTinyLayout() {
        SdShape tiny = SdShape.tiny(SdFamily.SD1);
        LoraTargets targets = of(tiny);
        SdCheckpoints.loraModules(tiny).forEach((diffusers, ldm) -> {
            String kohya = diffusers.startsWith("unet.") ? "lora_unet_" + diffusers.substring(5)
                    : "lora_te_" + diffusers.substring("text_encoder.".length());
            assertEquals(ldm + ".weight", targets.find(diffusers).orElseThrow(() -> new AssertionError(diffusers)).tensor());
            assertEquals(ldm + ".weight", targets.find(kohya.replace('.', '_')).orElseThrow(() -> new AssertionError(kohya))
                    .tensor());
        });
    }
}
