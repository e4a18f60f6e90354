package koboldj.image.nn;

import koboldj.image.ggml.Ggml;
import koboldj.image.ggml.Tensor;

/**
 * One pre-norm layer of a CLIP text transformer over tokens [D, 77, chunks]: causal self-attention
 * and an MLP, each with its residual. The two families name and store it differently: Hugging Face
 * CLIP-L (SD 1.x, quick GELU, separate q/k/v) and OpenCLIP (SD 2.x, exact GELU, q/k/v fused in
 * {@code in_proj_weight}).
 */
final class ClipLayer {
    static final float EPS = 1e-5f;

    private ClipLayer() {
    }

    /** A CLIP-L layer at {@code prefix} ({@code ...text_model.encoder.layers.0.}). */
    static Tensor clipL(Ggml g, Weights w, String prefix, Tensor x, int heads) {
        Tensor h = Layers.layerNorm(g, w, prefix + "layer_norm1", x, EPS);
        Tensor q = Layers.linear(g, w, prefix + "self_attn.q_proj", h);
        Tensor k = Layers.linear(g, w, prefix + "self_attn.k_proj", h);
        Tensor v = Layers.linear(g, w, prefix + "self_attn.v_proj", h);
        Tensor a = Layers.linear(g, w, prefix + "self_attn.out_proj", Layers.attention(g, q, k, v, heads, true));
        x = g.add(x, a);
        h = Layers.layerNorm(g, w, prefix + "layer_norm2", x, EPS);
        h = g.geluQuick(Layers.linear(g, w, prefix + "mlp.fc1", h));
        return g.add(x, Layers.linear(g, w, prefix + "mlp.fc2", h));
    }

    /** An OpenCLIP layer at {@code prefix} ({@code ...model.transformer.resblocks.0.}). */
    static Tensor openClip(Ggml g, Weights w, String prefix, Tensor x, int heads) {
        Tensor h = Layers.layerNorm(g, w, prefix + "ln_1", x, EPS);
        Tensor[] qkv = new Tensor[3];
        for (int i = 0; i < 3; i++) {
            Tensor y = g.mulMat(w.part(prefix + "attn.in_proj_weight", i, 3), h);
            qkv[i] = g.add(y, w.part(prefix + "attn.in_proj_bias", i, 3));
        }
        Tensor a = Layers.linear(g, w, prefix + "attn.out_proj", Layers.attention(g, qkv[0], qkv[1], qkv[2], heads, true));
        x = g.add(x, a);
        h = Layers.layerNorm(g, w, prefix + "ln_2", x, EPS);
        h = g.gelu(Layers.linear(g, w, prefix + "mlp.c_fc", h));
        return g.add(x, Layers.linear(g, w, prefix + "mlp.c_proj", h));
    }
}
