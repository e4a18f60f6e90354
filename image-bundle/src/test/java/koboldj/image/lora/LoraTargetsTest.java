package koboldj.image.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

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
    void sdxlUnetModulesInKohyasLdmAndDiffusersSpellingsMeanTheirLdmWeights() {
        LoraTargets targets = of(SdShape.sdxl());
        assertUnet(targets, "lora_unet_input_blocks_4_1_transformer_blocks_0_attn1_to_q",
                "input_blocks.4.1.transformer_blocks.0.attn1.to_q");
        assertUnet(targets, "lora_unet_down_blocks_1_attentions_0_transformer_blocks_0_attn1_to_q",
                "input_blocks.4.1.transformer_blocks.0.attn1.to_q");
        assertUnet(targets, "unet.down_blocks.1.attentions.0.transformer_blocks.0.attn1.to_q",
                "input_blocks.4.1.transformer_blocks.0.attn1.to_q");
        assertUnet(targets, "down_blocks.2.attentions.1.transformer_blocks.9.attn2.to_k",
                "input_blocks.8.1.transformer_blocks.9.attn2.to_k");
        assertUnet(targets, "lora_unet_down_blocks_0_resnets_1_conv2", "input_blocks.2.0.out_layers.3");
        assertUnet(targets, "lora_unet_down_blocks_1_downsamplers_0_conv", "input_blocks.6.0.op");
        assertUnet(targets, "lora_unet_mid_block_attentions_0_transformer_blocks_9_ff_net_2",
                "middle_block.1.transformer_blocks.9.ff.net.2");
        assertUnet(targets, "lora_unet_up_blocks_0_upsamplers_0_conv", "output_blocks.2.2.conv");
        assertUnet(targets, "lora_unet_up_blocks_1_upsamplers_0_conv", "output_blocks.5.2.conv");
        assertUnet(targets, "lora_unet_up_blocks_2_resnets_2_conv_shortcut", "output_blocks.8.0.skip_connection");
        assertUnet(targets, "unet.add_embedding.linear_1", "label_emb.0.0");
        assertUnet(targets, "lora_unet_label_emb_0_2", "label_emb.0.2");
        assertTrue(targets.find("lora_unet_down_blocks_2_downsamplers_0_conv").isEmpty(), "the deepest level has none");
        assertTrue(targets.find("lora_unet_up_blocks_2_upsamplers_0_conv").isEmpty(), "the shallowest level has none");
        assertTrue(targets.find("lora_unet_down_blocks_0_attentions_0_proj_in").isEmpty(), "SDXL's first level has none");
    }

    @Test
    void sdxlsTwoTextEncodersInBothSpellingsMeanTheirWeights() {
        LoraTargets targets = of(SdShape.sdxl());
        String clipL = "conditioner.embedders.0.transformer.text_model.encoder.layers.";
        for (String module : List.of("lora_te1_text_model_encoder_layers_11_self_attn_q_proj",
                "text_encoder.text_model.encoder.layers.11.self_attn.q_proj")) {
            assertEquals(new LoraTargets.Target(clipL + "11.self_attn.q_proj.weight", 0, 1, true),
                    targets.find(module).orElse(null), module);
        }
        String bigG = "conditioner.embedders.1.model.transformer.resblocks.31.";
        for (String te2 : List.of("lora_te2_text_model_encoder_layers_31_", "text_encoder_2.text_model.encoder.layers.31.")) {
            String separator = te2.startsWith("lora_") ? "_" : ".";
            for (int part = 0; part < 3; part++) {
                String module = te2 + "self_attn" + separator + "qkv".charAt(part) + "_proj";
                assertEquals(new LoraTargets.Target(bigG + "attn.in_proj_weight", part, 3, true),
                        targets.find(module).orElse(null), module);
            }
            assertEquals(new LoraTargets.Target(bigG + "attn.out_proj.weight", 0, 1, true),
                    targets.find(te2 + "self_attn" + separator + "out_proj").orElse(null), te2);
            assertEquals(new LoraTargets.Target(bigG + "mlp.c_fc.weight", 0, 1, true),
                    targets.find(te2 + "mlp" + separator + "fc1").orElse(null), te2);
            assertEquals(new LoraTargets.Target(bigG + "mlp.c_proj.weight", 0, 1, true),
                    targets.find(te2 + "mlp" + separator + "fc2").orElse(null), te2);
        }
        assertTrue(targets.find("lora_te_text_model_encoder_layers_0_self_attn_q_proj").isEmpty(),
                "an SD 1.x/2.x text encoder name means nothing in SDXL");
        assertTrue(targets.find("lora_te1_text_model_encoder_layers_12_self_attn_q_proj").isEmpty(), "CLIP-L has 12 layers");
        assertTrue(targets.find("text_encoder_2.text_model.encoder.layers.32.mlp.fc1").isEmpty(), "bigG has 32");
    }

    @ParameterizedTest
    @EnumSource(value = SdFamily.class, names = {"SD1", "SDXL"})
    void theTestLorasModulesAllFindTheirWeightsInTheTinyLayout(SdFamily family) {
        SdShape tiny = SdShape.tiny(family);
        LoraTargets targets = of(tiny);
        SdCheckpoints.loraModules(tiny).forEach((diffusers, ldm) -> {
            String kohya = SdCheckpoints.kohyaModule(diffusers, family);
            assertEquals(ldm + ".weight", targets.find(diffusers).orElseThrow(() -> new AssertionError(diffusers)).tensor());
            assertEquals(ldm + ".weight", targets.find(kohya).orElseThrow(() -> new AssertionError(kohya)).tensor());
        });
    }
}
