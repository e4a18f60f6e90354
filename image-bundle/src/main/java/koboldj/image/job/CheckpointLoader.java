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
import koboldj.image.nn.Family;
import koboldj.image.nn.NetworkOptions;
import koboldj.image.nn.StableDiffusion;
import koboldj.image.prompt.PromptChunks;
import koboldj.image.prompt.PromptEncoder;
import koboldj.image.random.PhiloxNormal;

/**
 * Opens a checkpoint (with the --sdvae VAE in place of its own, if given) as a {@link LoadedModel}:
 * the ggml networks, the CLIP tokenizer with the family's padding, and torch's CUDA Philox normals
 * as the seed's noise, so that a seed starts from the latent A1111 and stable-diffusion.cpp start from.
 */
public final class CheckpointLoader implements ModelLoader {
    private static final Logger LOG = LoggerFactory.getLogger(CheckpointLoader.class);

    private final Path vae;
    private final NetworkOptions options;

    /** @param vae a replacement VAE file, or null */
    public CheckpointLoader(Path vae, int threads) {
        this(vae, NetworkOptions.threads(threads));
    }

    /** @param vae a replacement VAE file, or null */
    public CheckpointLoader(Path vae, NetworkOptions options) {
        this.vae = vae;
        this.options = options;
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
        StableDiffusionModel model = new StableDiffusionModel(weights, networks);
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
