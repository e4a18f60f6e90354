package koboldj.image.nn;

import koboldj.image.ggml.Ggml;
import koboldj.image.ggml.Tensor;

/**
 * The CLIP text transformer of either family: token and position embeddings, pre-norm layers with
 * a causal mask, final layer norm. SD 1.x stores Hugging Face's CLIP-L
 * ({@code cond_stage_model.transformer.text_model.*}), SD 2.x OpenCLIP ViT-H
 * ({@code cond_stage_model.model.*}). Width, depth and vocabulary come from the tensors; heads are
 * of 64 channels, as in both originals.
 */
final class TextEncoder {
    static final int CHUNK = 77;
    static final String CLIP_L = "cond_stage_model.transformer.text_model.";
    static final String OPEN_CLIP = "cond_stage_model.model.";

    private final Weights w;
    final Family family;
    final int width;
    final int vocabulary;
    final int layers;

    TextEncoder(Weights w, Family family) {
        this.w = w;
        this.family = family;
        long[] tokens = w.shape(tokenEmbedding());
        vocabulary = (int) tokens[0];
        width = (int) tokens[1];
        int n = 0;
        while (w.has(layerPrefix(n) + (family == Family.SD1 ? "layer_norm1.weight" : "ln_1.weight"))) {
            n++;
        }
        if (n == 0) {
            throw new IllegalArgumentException("the text encoder has no layers: " + layerPrefix(0) + "* is missing");
        }
        layers = n;
    }

    /** The family whose text encoder is in {@code w}, or an exception naming what is missing. */
    static Family familyOf(Weights w) {
        if (w.has(CLIP_L + "embeddings.token_embedding.weight")) {
            return Family.SD1;
        }
        if (w.has(OPEN_CLIP + "token_embedding.weight")) {
            return Family.SD2;
        }
        throw new IllegalArgumentException("the model has no known text encoder: neither " + CLIP_L
                + "embeddings.token_embedding.weight (SD 1.x CLIP-L) nor " + OPEN_CLIP
                + "token_embedding.weight (SD 2.x OpenCLIP) is there");
    }

    /**
     * How many layers run for A1111's {@code clipSkip} (1 = all): SD 1.x stops {@code clipSkip - 1}
     * layers early; SD 2.x always uses the penultimate layer, as the original configuration does
     * (A1111 ignores clip skip for OpenCLIP).
     */
    int layersFor(int clipSkip) {
        if (clipSkip < 1 || clipSkip > layers) {
            throw new IllegalArgumentException("clip skip must be 1 to " + layers + ", not " + clipSkip);
        }
        return family == Family.SD1 ? layers - clipSkip + 1 : Math.max(1, layers - 1);
    }

    /** Hidden states [width, 77, chunks] of token ids [77 * chunks] through {@code run} layers and the final norm. */
    Tensor build(Ggml g, Tensor ids, int chunks, int run) {
        Tensor x = g.getRows(w.table(tokenEmbedding()), ids);
        x = g.reshape(x, width, CHUNK, chunks);
        String positions = family == Family.SD1 ? CLIP_L + "embeddings.position_embedding.weight" : OPEN_CLIP + "positional_embedding";
        x = g.add(x, w.dense(positions, CHUNK));
        int heads = Layers.headsOf64(width);
        for (int i = 0; i < run; i++) {
            x = family == Family.SD1
                    ? ClipLayer.clipL(g, w, layerPrefix(i), x, heads)
                    : ClipLayer.openClip(g, w, layerPrefix(i), x, heads);
        }
        String norm = family == Family.SD1 ? CLIP_L + "final_layer_norm" : OPEN_CLIP + "ln_final";
        return Layers.layerNorm(g, w, norm, x, ClipLayer.EPS);
    }

    private String tokenEmbedding() {
        return family == Family.SD1 ? CLIP_L + "embeddings.token_embedding.weight" : OPEN_CLIP + "token_embedding.weight";
    }

    private String layerPrefix(int i) {
        return family == Family.SD1 ? CLIP_L + "encoder.layers." + i + "." : OPEN_CLIP + "transformer.resblocks." + i + ".";
    }
}
