package koboldj.image.nn;

import koboldj.image.ggml.Ggml;
import koboldj.image.ggml.Tensor;

/**
 * A family's text encoders as one network from token ids to the UNet's context: SD 1.x's CLIP-L, SD 2.x's OpenCLIP-H,
 * or SDXL's CLIP-L and OpenCLIP-bigG side by side (their penultimate layers' states joined along the width, 768 + 1280
 * = 2048 in the real model) with bigG's projected pooled output, which SDXL's UNet also takes.
 */
final class TextEncoders {
    static final String XL_CLIP_L = "conditioner.embedders.0.transformer.text_model.";
    static final String XL_OPEN_CLIP = "conditioner.embedders.1.model.";
    /** CLIP's end token, the highest id: OpenCLIP pools at its first place, and pads with 0 after it. */
    static final int END_OF_TEXT = 49407;

    final Family family;
    private final TextEncoder first;
    private final TextEncoder second;
    /** Numbers per token of the context. */
    final int width;
    /** Numbers of the pooled output (0 when the family has none). */
    final int pooledWidth;
    final int vocabulary;

    private TextEncoders(Family family, TextEncoder first, TextEncoder second) {
        this.family = family;
        this.first = first;
        this.second = second;
        this.width = first.width + (second == null ? 0 : second.width);
        this.pooledWidth = second == null ? 0 : second.pooledWidth();
        this.vocabulary = second == null ? first.vocabulary : Math.min(first.vocabulary, second.vocabulary);
    }

    /** The encoders in {@code w}, or an exception naming what is missing. */
    static TextEncoders of(Weights w) {
        if (w.has(XL_CLIP_L + "embeddings.token_embedding.weight") || w.has(XL_OPEN_CLIP + "token_embedding.weight")) {
            for (String name : new String[] {XL_CLIP_L + "embeddings.token_embedding.weight",
                    XL_OPEN_CLIP + "token_embedding.weight", XL_OPEN_CLIP + "text_projection"}) {
                if (!w.has(name)) {
                    throw new IllegalArgumentException("the SDXL text encoders are incomplete: " + name + " is missing");
                }
            }
            return new TextEncoders(Family.SDXL, new TextEncoder(w, TextEncoder.Naming.CLIP_L, XL_CLIP_L),
                    new TextEncoder(w, TextEncoder.Naming.OPEN_CLIP, XL_OPEN_CLIP));
        }
        if (w.has(TextEncoder.CLIP_L + "embeddings.token_embedding.weight")) {
            return new TextEncoders(Family.SD1, new TextEncoder(w, TextEncoder.Naming.CLIP_L, TextEncoder.CLIP_L), null);
        }
        if (w.has(TextEncoder.OPEN_CLIP + "token_embedding.weight")) {
            return new TextEncoders(Family.SD2, new TextEncoder(w, TextEncoder.Naming.OPEN_CLIP, TextEncoder.OPEN_CLIP),
                    null);
        }
        throw new IllegalArgumentException("the model has no known text encoder: neither " + TextEncoder.CLIP_L
                + "embeddings.token_embedding.weight (SD 1.x CLIP-L), " + TextEncoder.OPEN_CLIP
                + "token_embedding.weight (SD 2.x OpenCLIP) nor " + XL_CLIP_L
                + "embeddings.token_embedding.weight (SDXL) is there");
    }

    /** The widths of the encoders, in the order their states lie in each token's context. */
    int[] parts() {
        return second == null ? new int[] {first.width} : new int[] {first.width, second.width};
    }

    /** Layers of the first encoder. */
    int layers() {
        return first.layers;
    }

    /**
     * How many layers of the first encoder run for A1111's {@code clipSkip} (1 = all): SD 1.x stops {@code clipSkip - 1}
     * layers early; SD 2.x and SDXL always use the penultimate layer, as their original configurations do (A1111
     * ignores clip skip for them by default).
     */
    int layersFor(int clipSkip) {
        if (clipSkip < 1 || clipSkip > first.layers) {
            throw new IllegalArgumentException("clip skip must be 1 to " + first.layers + ", not " + clipSkip);
        }
        return family == Family.SD1 ? first.layers - clipSkip + 1 : Math.max(1, first.layers - 1);
    }

    /**
     * SD 1.x and 2.x: the hidden states [width, 77, chunks] after {@code run} layers and the final norm. SDXL: both
     * encoders' penultimate states without the final norm, joined per token, flattened, then the pooled output of the
     * first chunk: [width * 77 * chunks + pooledWidth]. {@code ids2} (the ids padded with 0 after the first end token,
     * for OpenCLIP-bigG) and {@code end} (the first end token's place) are SDXL's only.
     */
    Tensor build(Ggml g, Tensor ids, Tensor ids2, Tensor end, int chunks, int run) {
        if (second == null) {
            return first.build(g, ids, chunks, run);
        }
        Tensor clipL = first.layers(g, 0, run, first.embed(g, ids, chunks));
        Tensor bigG = second.layers(g, 0, second.layers - 1, second.embed(g, ids2, chunks));
        Tensor last = second.finalNorm(g, second.layer(g, second.layers - 1, bigG));
        Tensor pooled = second.pooled(g, last, end);
        Tensor context = g.concat(clipL, bigG, 0);
        return g.concat(g.reshape(g.cont(context), context.elements()), g.reshape(pooled, pooledWidth), 0);
    }
}
