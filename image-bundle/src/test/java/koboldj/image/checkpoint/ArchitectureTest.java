package koboldj.image.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import koboldj.testing.sdcheckpoints.SdCheckpoints;
import koboldj.testing.sdcheckpoints.SdFamily;
import koboldj.testing.sdcheckpoints.SdShape;
import koboldj.testing.sdcheckpoints.StorageType;
import koboldj.testing.sdcheckpoints.TensorSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchitectureTest {

    @TempDir
    Path dir;

    private static Set<String> names(SdShape shape) {
        return SdCheckpoints.layout(shape).stream().map(TensorSpec::name).collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void recognisesTheRealSizedLayoutsByName() {
        assertEquals(Architecture.SD1, Architecture.of(names(SdShape.sd15())));
        assertEquals(Architecture.SD2, Architecture.of(names(SdShape.sd21())));
    }

    @Test
    void namesTheMissingTensors() {
        Set<String> names = names(SdShape.tiny(SdFamily.SD1));
        names.remove("first_stage_model.post_quant_conv.weight");
        names.remove("cond_stage_model.transformer.text_model.final_layer_norm.weight");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Architecture.of(names));
        assertTrue(e.getMessage().contains("missing first_stage_model.post_quant_conv.weight, "
                + "cond_stage_model.transformer.text_model.final_layer_norm.weight"), e.getMessage());
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> Architecture.of(Set.of("x")));
        assertTrue(none.getMessage().contains("model.diffusion_model.input_blocks.0.0.weight"), none.getMessage());
    }

    @Test
    void recognisesSdxlAndNamesWhatAnSdxlCheckpointMisses() throws Exception {
        assertEquals(Architecture.SDXL, Architecture.of(names(SdShape.sdxl())));
        assertEquals(Architecture.SDXL, Architecture.of(names(SdShape.tinyXl())));
        Set<String> names = names(SdShape.tinyXl());
        names.remove("model.diffusion_model.label_emb.0.2.weight");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Architecture.of(names));
        assertTrue(e.getMessage().contains("match no SDXL checkpoint: missing model.diffusion_model.label_emb.0.2.weight"),
                e.getMessage());

        // a file whose bigG has no text_projection (its name spoilt in the header, the same length)
        Path model = SdCheckpoints.writeSafetensors(dir.resolve("xl.safetensors"), SdShape.tinyXl(), StorageType.F16, 1);
        try (TensorSource ok = Checkpoints.open(model, null)) {
            assertEquals(Architecture.SDXL, Architecture.of(ok));
        }
        String text = new String(Files.readAllBytes(model), java.nio.charset.StandardCharsets.ISO_8859_1);
        String projection = "\"conditioner.embedders.1.model.text_projection\"";
        assertTrue(text.contains(projection));
        Path spoilt = Files.write(dir.resolve("spoilt.safetensors"), text.replace(projection,
                "\"conditioner.embedders.1.model.text_projectioX\"").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> Checkpoints.open(spoilt, null));
        assertTrue(refused.getMessage().contains("missing conditioner.embedders.1.model.text_projection"),
                refused.getMessage());
    }

    @Test
    void refusesShapesTheNetworksWouldIndexOutOfBounds() throws Exception {
        SdShape small = SdShape.tiny(SdFamily.SD1);
        Path model = SdCheckpoints.writeSafetensors(dir.resolve("m.safetensors"), small, StorageType.F16, 1);
        SdShape wider = new SdShape(SdFamily.SD1, 32, new int[] {1, 2}, 1, new boolean[] {true, true}, 64, 2, 32,
                new int[] {1, 2}, 1);
        Path other = SdCheckpoints.writeSafetensors(dir.resolve("o.safetensors"), wider, StorageType.F16, 1);
        try (TensorSource ok = Checkpoints.open(model, other)) {
            assertEquals(Architecture.SD1, Architecture.of(ok));
        }
        byte[] bytes = Files.readAllBytes(model);
        String text = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
        String embedding = "\"shape\":[49408,32]";
        int at = text.indexOf(embedding);
        assertTrue(at > 0);
        byte[] broken = (text.substring(0, at) + "\"shape\":[32,49408]" + text.substring(at + embedding.length()))
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        Path swapped = Files.write(dir.resolve("swapped.safetensors"), broken);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Checkpoints.open(swapped, null));
        assertTrue(e.getMessage().contains("not [49408, width]"), e.getMessage());
    }

    @Test
    void openRefusesAFileOfOtherTensorsAndPickles() throws Exception {
        Path vaeOnly = dir.resolve("vae.safetensors");
        SdCheckpoints.writeSafetensors(vaeOnly, SdShape.tiny(SdFamily.SD1), StorageType.F16, 1);
        Path model = dir.resolve("model.safetensors");
        Files.copy(vaeOnly, model);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Checkpoints.open(model, model.resolveSibling("none")))
                .getMessage().contains("is not a file"));
        Path pickle = Files.write(dir.resolve("model.ckpt"), new byte[] {'P', 'K', 3, 4});
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Checkpoints.open(pickle, null))
                .getMessage().contains("pickled"));
        Path notVae = Files.write(dir.resolve("other.safetensors"), Files.readAllBytes(emptySafetensors()));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Checkpoints.open(model, notVae))
                .getMessage().contains("holds no VAE tensors"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Checkpoints.open(notVae, null))
                .getMessage().contains("missing model.diffusion_model.input_blocks.0.0.weight"));
    }

    @Test
    void openRefusesEmptyFiles() throws Exception {
        Path empty = Files.write(dir.resolve("empty.safetensors"), new byte[0]);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Checkpoints.open(empty, null))
                .getMessage().contains("fewer than the 8"));
        Path magicOnly = Files.write(dir.resolve("short.gguf"), new byte[] {'G', 'G', 'U', 'F'});
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Checkpoints.open(magicOnly, null))
                .getMessage().contains("short.gguf is not a usable GGUF file"));
    }

    private Path emptySafetensors() throws Exception {
        byte[] json = "{\"__metadata__\":{}}".getBytes();
        byte[] bytes = new byte[8 + json.length];
        bytes[0] = (byte) json.length;
        System.arraycopy(json, 0, bytes, 8, json.length);
        return Files.write(dir.resolve("empty.safetensors"), bytes);
    }
}
