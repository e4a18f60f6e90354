package koboldj.image.job;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import koboldj.api.model.ModelDescriptor;
import koboldj.image.checkpoint.Checkpoints;
import koboldj.image.checkpoint.TensorSource;
import koboldj.image.lora.LoraFile;
import koboldj.image.lora.LoraMerge;
import koboldj.image.lora.LoraTargets;
import koboldj.image.lora.MergedWeights;
import koboldj.image.lora.WeightedLora;
import koboldj.image.nn.Family;
import koboldj.image.nn.NetworkOptions;
import koboldj.image.nn.StableDiffusion;
import koboldj.image.prompt.PromptChunks;
import koboldj.image.prompt.PromptEncoder;
import koboldj.image.random.PhiloxNormal;

/**
 * Opens a checkpoint (with the --sdvae VAE in place of its own, if given) as a {@link LoadedModel}:
 * the ggml networks, the CLIP tokenizer with the family's padding, and torch's CUDA Philox normals
 * as the seed's noise, so that a seed starts from the latent A1111 and stable-diffusion.cpp start from. The --sdlora
 * LoRA, if given, is merged at --sdloramult into every checkpoint loaded.
 */
public final class CheckpointLoader implements ModelLoader {
    private static final Logger LOG = LoggerFactory.getLogger(CheckpointLoader.class);

    private final Path vae;
    private final NetworkOptions options;
    private final Path lora;
    private final float loraWeight;

    /** @param vae a replacement VAE file, or null */
    public CheckpointLoader(Path vae, int threads) {
        this(vae, NetworkOptions.threads(threads), null, 1);
    }

    /**
     * @param vae  a replacement VAE file, or null
     * @param lora a LoRA to merge into every checkpoint loaded at strength {@code loraWeight}, or null
     */
    public CheckpointLoader(Path vae, NetworkOptions options, Path lora, float loraWeight) {
        this.vae = vae;
        this.options = options;
        this.lora = lora;
        this.loraWeight = loraWeight;
    }

    @Override
    public LoadedModel load(Path checkpoint) {
        long start = System.nanoTime();
        LOG.info("Loading image model {}{} on {} threads", checkpoint.getFileName(),
                vae == null ? "" : " with the VAE " + vae.getFileName(), options.threads());
        TensorSource weights = Checkpoints.open(checkpoint, vae);
        StableDiffusion networks;
        try {
            networks = StableDiffusion.load(weights, options);
        } catch (RuntimeException e) {
            weights.close();
            throw e;
        }
        StableDiffusionModel model;
        try {
            model = new StableDiffusionModel(weights, networks, loadedLora(weights));
        } catch (RuntimeException e) {
            networks.close();
            weights.close();
            throw e;
        }
        PromptEncoder prompts = model.family() == Family.SD2 ? PromptEncoder.sd2() : PromptEncoder.sd1();
        long size;
        try {
            size = Files.size(checkpoint);
        } catch (IOException e) {
            model.close();
            throw new UncheckedIOException(e);
        }
        String file = checkpoint.getFileName().toString();
        String name = ImageEngine.stem(file);
        LOG.info("Image model {} ({}) loaded in {} ms", name, model.family(), (System.nanoTime() - start) / 1_000_000);
        return new LoadedModel(model, tokenizer(prompts), seed -> new PhiloxNormal(seed)::next,
                new ModelDescriptor(name, checkpoint, model.family().name().toLowerCase(java.util.Locale.ROOT), 0, 0, size,
                        Map.of()));
    }

    /** The weights the --sdlora LoRA changes, merged, or nothing without one. */
    private MergedWeights loadedLora(TensorSource weights) {
        if (lora == null) {
            return MergedWeights.none();
        }
        try (LoraFile file = LoraFile.open(lora)) {
            MergedWeights merged = LoraMerge.merge(weights, LoraTargets.of(weights.names()),
                    java.util.List.of(new WeightedLora(file, loraWeight, loraWeight)));
            LOG.info("LoRA {} merged at {} into {} weights", lora.getFileName(), loraWeight, merged.tensors().size());
            return merged;
        }
    }

    private static PromptTokenizer tokenizer(PromptEncoder prompts) {
        return new PromptTokenizer() {
            @Override
            public PromptChunks tokenize(String prompt) {
                return prompts.encode(prompt);
            }

            @Override
            public PromptChunks padded(PromptChunks prompt, int chunks) {
                return prompts.extend(prompt, chunks);
            }
        };
    }
}
