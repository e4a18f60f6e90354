package koboldj.image.job;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import koboldj.image.checkpoint.StoredTensor;
import koboldj.image.checkpoint.TensorSource;
import koboldj.image.lora.LoraFile;
import koboldj.image.lora.LoraMerge;
import koboldj.image.lora.LoraTargets;
import koboldj.image.lora.MergedWeights;
import koboldj.image.lora.WeightedLora;
import koboldj.image.nn.Family;
import koboldj.image.nn.StableDiffusion;
import koboldj.image.sampling.NoiseSchedule;
import koboldj.image.sampling.PredictionType;

/**
 * The ggml networks of a checkpoint as the pipeline's {@link DiffusionModel}, owning the mapped file
 * they read their weights from. SD 2.x is taken as v-prediction, as the 768 models are and as
 * stable-diffusion.cpp takes it; SD 1.x and SDXL predict the noise. A job's LoRAs are merged into copies of the
 * weights they change, on top of the --sdlora one merged at load, and dropped after the job; the mapped file is never
 * written.
 */
final class StableDiffusionModel implements DiffusionModel {
    private static final Logger LOG = LoggerFactory.getLogger(StableDiffusionModel.class);
    /** SD 1.x and 2.x scale their latents by this after encoding (the LDM configs' scale_factor). */
    private static final float LATENT_SCALE = 0.18215f;
    /** SDXL's VAE is another one, scaled by this (sd_xl_base.yaml's scale_factor). */
    private static final float XL_LATENT_SCALE = 0.13025f;

    private final TensorSource weights;
    private final StableDiffusion networks;
    private final LoraTargets targets;
    /** The --sdlora merged at load (or nothing), which every job starts from. */
    private final MergedWeights loaded;
    /** The checkpoint as the --sdlora changed it: what a job's LoRAs are merged into. */
    private final TensorSource base;
    /** A running job's merged weights, or null. */
    private MergedWeights job;

    /** @param loaded the weights a LoRA merged at load changed; the model owns them */
    StableDiffusionModel(TensorSource weights, StableDiffusion networks, MergedWeights loaded) {
        this.weights = weights;
        this.networks = networks;
        this.targets = LoraTargets.of(weights.names());
        this.loaded = loaded;
        this.base = new TensorSource() {
            @Override
            public Optional<StoredTensor> tensor(String name) {
                StoredTensor merged = loaded.tensors().get(name);
                return merged != null ? Optional.of(merged) : weights.tensor(name);
            }

            @Override
            public SortedSet<String> names() {
                return weights.names();
            }

            @Override
            public void close() {
                // the checkpoint and the loaded weights are closed with the model
            }
        };
        networks.useWeights(loaded.tensors());
    }

    @Override
    public int loraLayers(LoraFile lora) {
        return LoraMerge.matching(targets, lora);
    }

    @Override
    public void useLoras(List<WeightedLora> loras) {
        MergedWeights previous = job;
        if (loras.isEmpty()) {
            networks.useWeights(loaded.tensors());
            job = null;
        } else {
            long start = System.nanoTime();
            MergedWeights merged = LoraMerge.merge(base, targets, loras);
            LOG.info("{} LoRA(s) merged into {} weights in {} ms", loras.size(), merged.tensors().size(),
                    (System.nanoTime() - start) / 1_000_000);
            Map<String, StoredTensor> both = new HashMap<>(loaded.tensors());
            both.putAll(merged.tensors());
            try {
                networks.useWeights(both);
            } catch (RuntimeException e) {
                merged.close();
                throw e;
            }
            job = merged;
        }
        if (previous != null) {
            previous.close();
        }
    }

    Family family() {
        return networks.family();
    }

    @Override
    public int textWidth() {
        return networks.textWidth();
    }

    @Override
    public int latentChannels() {
        return networks.latentChannels();
    }

    @Override
    public int vaeScale() {
        return networks.vaeScale();
    }

    @Override
    public PredictionType prediction() {
        return networks.family() == Family.SD2 ? PredictionType.V : PredictionType.EPSILON;
    }

    @Override
    public NoiseSchedule noise() {
        return NoiseSchedule.STABLE_DIFFUSION;
    }

    @Override
    public float latentScale() {
        return networks.family() == Family.SDXL ? XL_LATENT_SCALE : LATENT_SCALE;
    }

    @Override
    public float[][] previewColours() {
        return networks.family() == Family.SDXL ? LatentPreview.SDXL_COLOURS : LatentPreview.SD_COLOURS;
    }

    @Override
    public int[] textParts() {
        return networks.textParts();
    }

    @Override
    public int pooledWidth() {
        return networks.pooledWidth();
    }

    @Override
    public EncodedPrompt encodeTextAndPool(int[] tokenIds, int chunks, int clipSkip) {
        StableDiffusion.EncodedText encoded = networks.encodeTextAndPool(tokenIds, chunks, clipSkip);
        return new EncodedPrompt(encoded.states(), encoded.pooled());
    }

    @Override
    public float[] predict(float[] latents, int batch, int latentHeight, int latentWidth, float[] timesteps,
            float[] context, int contextTokens, float[] pooled, float[] sizes) {
        return networks.predict(latents, batch, latentHeight, latentWidth, timesteps, context, contextTokens, pooled, sizes);
    }

    @Override
    public float[] encodeText(int[] tokenIds, int chunks, int clipSkip) {
        return networks.encodeText(tokenIds, chunks, clipSkip);
    }

    @Override
    public float[] predict(float[] latents, int batch, int latentHeight, int latentWidth, float[] timesteps,
            float[] context, int contextTokens) {
        return networks.predict(latents, batch, latentHeight, latentWidth, timesteps, context, contextTokens);
    }

    @Override
    public float[] decode(float[] latents, int latentHeight, int latentWidth) {
        return networks.decode(latents, latentHeight, latentWidth);
    }

    @Override
    public float[] encode(float[] rgb, int height, int width) {
        return networks.encode(rgb, height, width);
    }

    @Override
    public void close() {
        networks.close();
        if (job != null) {
            job.close();
        }
        loaded.close();
        weights.close();
    }
}
