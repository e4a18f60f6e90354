package koboldj.image.nn;

import koboldj.image.ggml.Ggml;
import koboldj.image.ggml.Tensor;

/**
 * One CLIP text transformer: token and position embeddings, pre-norm layers with a causal mask, final layer norm.
 * Hugging Face's CLIP-L naming (SD 1.x, SDXL's first encoder) or OpenCLIP's (SD 2.x's ViT-H, SDXL's bigG), under a
 * prefix. Width, depth and vocabulary come from the tensors; heads are of 64 channels, as in all originals.
 */
final class TextEncoder {
    static final int CHUNK = 77;
    static final String CLIP_L = "cond_stage_model.transformer.text_model.";
    static final String OPEN_CLIP = "cond_stage_model.model.";

    /** How the encoder's tensors are named and its layers built. */
    enum Naming {
        /** Hugging Face CLIP: quick GELU, separate q/k/v. */
        CLIP_L,
        /** OpenCLIP: exact GELU, q/k/v fused in {@code in_proj_weight}, optionally a {@code text_projection}. */
        OPEN_CLIP
    }

    private final Weights w;
    private final Naming naming;
    private final String prefix;
    final int width;
    final int vocabulary;
    final int layers;

    TextEncoder(Weights w, Naming naming, String prefix) {
        this.w = w;
        this.naming = naming;
        this.prefix = prefix;
        long[] tokens = w.shape(tokenEmbedding());
        vocabulary = (int) tokens[0];
        width = (int) tokens[1];
        int n = 0;
        while (w.has(layerPrefix(n) + (naming == Naming.CLIP_L ? "layer_norm1.weight" : "ln_1.weight"))) {
            n++;
        }
        if (n == 0) {
            throw new IllegalArgumentException("the text encoder has no layers: " + layerPrefix(0) + "* is missing");
        }
        layers = n;
    }

    /** Token and position embeddings of ids [77 * chunks]: [width, 77, chunks]. */
    Tensor embed(Ggml g, Tensor ids, int chunks) {
        Tensor x = g.getRows(w.table(tokenEmbedding()), ids);
        x = g.reshape(x, width, CHUNK, chunks);
        String positions = naming == Naming.CLIP_L ? prefix + "embeddings.position_embedding.weight" : prefix + "positional_embedding";
        return g.add(x, w.dense(positions, CHUNK));
    }

    /** Layer {@code i} over x [width, 77, chunks]. */
    Tensor layer(Ggml g, int i, Tensor x) {
        int heads = Layers.headsOf64(width);
        return naming == Naming.CLIP_L
                ? ClipLayer.clipL(g, w, layerPrefix(i), x, heads)
                : ClipLayer.openClip(g, w, layerPrefix(i), x, heads);
    }

    /** Layers {@code from} to {@code to} (exclusive) over x. */
    Tensor layers(Ggml g, int from, int to, Tensor x) {
        for (int i = from; i < to; i++) {
            x = layer(g, i, x);
        }
        return x;
    }

    Tensor finalNorm(Ggml g, Tensor x) {
        return Layers.layerNorm(g, w, naming == Naming.CLIP_L ? prefix + "final_layer_norm" : prefix + "ln_final", x,
                ClipLayer.EPS);
    }

    /** Hidden states [width, 77, chunks] of token ids [77 * chunks] through {@code run} layers and the final norm. */
    Tensor build(Ggml g, Tensor ids, int chunks, int run) {
        return finalNorm(g, layers(g, 0, run, embed(g, ids, chunks)));
    }

    /**
     * OpenCLIP's pooled output: the final-normed state {@code x} [width, T] at token {@code position} [1] (an I32
     * index, the first end token), times {@code text_projection} [width, out] as OpenCLIP multiplies it; [out, 1].
     */
    Tensor pooled(Ggml g, Tensor x, Tensor position) {
        Tensor rows = g.reshape(x, width, x.elements() / width);
        Tensor picked = g.getRows(rows, position);
        // stored as OpenCLIP multiplies (x @ P), so it is the transpose of a linear layer's weight
        Tensor projection = g.cont(g.permute(w.matrix(prefix + "text_projection"), 1, 0, 2, 3));
        return g.mulMat(projection, picked);
    }

    /** Width of the pooled output: {@code text_projection}'s outputs. */
    int pooledWidth() {
        return (int) w.shape(prefix + "text_projection")[1];
    }

    private String tokenEmbedding() {
        return naming == Naming.CLIP_L ? prefix + "embeddings.token_embedding.weight" : prefix + "token_embedding.weight";
    }

    private String layerPrefix(int i) {
        return naming == Naming.CLIP_L ? prefix + "encoder.layers." + i + "." : prefix + "transformer.resblocks." + i + ".";
    }
}
