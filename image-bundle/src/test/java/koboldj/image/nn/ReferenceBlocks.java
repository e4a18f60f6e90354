package koboldj.image.nn;

import koboldj.image.nn.Reference.Image;

/** Whole blocks in plain Java, composed from {@link Reference} as the original models compose them. */
final class ReferenceBlocks {
    private ReferenceBlocks() {
    }

    static Image conv(MemoryTensors t, String p, Image x, int k, int stride, int pad) {
        int out = (int) t.tensor(p + ".weight").orElseThrow().shape()[0];
        return Reference.conv(x, t.values(p + ".weight"), t.values(p + ".bias"), out, k, stride, pad);
    }

    static Image groupNorm(MemoryTensors t, String p, Image x, float eps) {
        return Reference.groupNorm(x, 32, t.values(p + ".weight"), t.values(p + ".bias"), eps);
    }

    static float[] linear(MemoryTensors t, String p, float[] x, int in) {
        int out = (int) t.tensor(p + ".weight").orElseThrow().shape()[0];
        float[] bias = t.tensor(p + ".bias").isPresent() ? t.values(p + ".bias") : null;
        return Reference.linear(x, in, t.values(p + ".weight"), bias, out);
    }

    static float[] layerNorm(MemoryTensors t, String p, float[] x, int width) {
        return Reference.layerNorm(x, width, t.values(p + ".weight"), t.values(p + ".bias"), 1e-5f);
    }

    static Image unetResBlock(MemoryTensors t, String p, Image x, float[] embedding, int out) {
        Image h = conv(t, p + "in_layers.2", Reference.silu(groupNorm(t, p + "in_layers.0", x, 1e-5f)), 3, 1, 1);
        float[] e = linear(t, p + "emb_layers.1", Reference.map(embedding, v -> Reference.silu((float) v)), embedding.length);
        float[] v = h.v().clone();
        int hw = h.h() * h.w();
        for (int c = 0; c < out; c++) {
            for (int i = 0; i < hw; i++) {
                v[c * hw + i] += e[c];
            }
        }
        h = new Image(v, h.c(), h.h(), h.w());
        h = conv(t, p + "out_layers.3", Reference.silu(groupNorm(t, p + "out_layers.0", h, 1e-5f)), 3, 1, 1);
        Image shortcut = t.tensor(p + "skip_connection.weight").isPresent() ? conv(t, p + "skip_connection", x, 1, 1, 0) : x;
        return Reference.add(shortcut, h);
    }

    static Image vaeResBlock(MemoryTensors t, String p, Image x, int out) {
        Image h = conv(t, p + "conv1", Reference.silu(groupNorm(t, p + "norm1", x, 1e-6f)), 3, 1, 1);
        h = conv(t, p + "conv2", Reference.silu(groupNorm(t, p + "norm2", h, 1e-6f)), 3, 1, 1);
        Image shortcut = t.tensor(p + "nin_shortcut.weight").isPresent() ? conv(t, p + "nin_shortcut", x, 1, 1, 0) : x;
        return Reference.add(shortcut, h);
    }

    static Image vaeMid(MemoryTensors t, String p, Image x) {
        Image h = vaeResBlock(t, p + "block_1.", x, x.c());
        Image n = groupNorm(t, p + "attn_1.norm", h, 1e-6f);
        float[] q = Reference.tokens(conv(t, p + "attn_1.q", n, 1, 1, 0));
        float[] k = Reference.tokens(conv(t, p + "attn_1.k", n, 1, 1, 0));
        float[] v = Reference.tokens(conv(t, p + "attn_1.v", n, 1, 1, 0));
        Image a = Reference.image(Reference.attention(q, k, v, h.c(), 1, false), h.c(), h.h(), h.w());
        h = Reference.add(h, conv(t, p + "attn_1.proj_out", a, 1, 1, 0));
        return vaeResBlock(t, p + "block_2.", h, h.c());
    }

    static Image spatialTransformer(MemoryTensors t, String p, Image x, float[] context, int heads, boolean linear) {
        int c = x.c();
        int contextWidth = (int) t.tensor(p + "transformer_blocks.0.attn2.to_k.weight").orElseThrow().shape()[1];
        Image n = groupNorm(t, p + "norm", x, 1e-6f);
        float[] h = linear ? linear(t, p + "proj_in", Reference.tokens(n), c) : Reference.tokens(conv(t, p + "proj_in", n, 1, 1, 0));
        String b = p + "transformer_blocks.0.";
        float[] n1 = layerNorm(t, b + "norm1", h, c);
        h = Reference.add(h, attention(t, b + "attn1.", n1, n1, c, c, heads));
        float[] n2 = layerNorm(t, b + "norm2", h, c);
        h = Reference.add(h, attention(t, b + "attn2.", n2, context, c, contextWidth, heads));
        float[] n3 = layerNorm(t, b + "norm3", h, c);
        float[] projected = linear(t, b + "ff.net.0.proj", n3, c);
        int inner = 4 * c;
        int tokens = h.length / c;
        float[] gated = new float[tokens * inner];
        for (int i = 0; i < tokens; i++) {
            for (int j = 0; j < inner; j++) {
                gated[i * inner + j] = projected[i * 2 * inner + j] * Reference.gelu(projected[i * 2 * inner + inner + j]);
            }
        }
        h = Reference.add(h, linear(t, b + "ff.net.2", gated, inner));
        Image out = linear
                ? Reference.image(linear(t, p + "proj_out", h, c), c, x.h(), x.w())
                : conv(t, p + "proj_out", Reference.image(h, c, x.h(), x.w()), 1, 1, 0);
        return Reference.add(out, x);
    }

    private static float[] attention(MemoryTensors t, String p, float[] x, float[] context, int c, int contextWidth, int heads) {
        float[] q = linear(t, p + "to_q", x, c);
        float[] k = linear(t, p + "to_k", context, contextWidth);
        float[] v = linear(t, p + "to_v", context, contextWidth);
        return linear(t, p + "to_out.0", Reference.attention(q, k, v, c, heads, false), c);
    }

    static float[] clipLLayer(MemoryTensors t, String p, float[] x, int d, int heads) {
        float[] h = layerNorm(t, p + "layer_norm1", x, d);
        float[] q = linear(t, p + "self_attn.q_proj", h, d);
        float[] k = linear(t, p + "self_attn.k_proj", h, d);
        float[] v = linear(t, p + "self_attn.v_proj", h, d);
        x = Reference.add(x, linear(t, p + "self_attn.out_proj", Reference.attention(q, k, v, d, heads, true), d));
        h = layerNorm(t, p + "layer_norm2", x, d);
        h = Reference.map(linear(t, p + "mlp.fc1", h, d), v2 -> Reference.quickGelu((float) v2));
        return Reference.add(x, linear(t, p + "mlp.fc2", h, 4 * d));
    }

    static float[] openClipLayer(MemoryTensors t, String p, float[] x, int d, int heads) {
        float[] h = layerNorm(t, p + "ln_1", x, d);
        float[] qkv = Reference.linear(h, d, t.values(p + "attn.in_proj_weight"), t.values(p + "attn.in_proj_bias"), 3 * d);
        int tokens = x.length / d;
        float[][] parts = new float[3][tokens * d];
        for (int i = 0; i < tokens; i++) {
            for (int part = 0; part < 3; part++) {
                System.arraycopy(qkv, i * 3 * d + part * d, parts[part], i * d, d);
            }
        }
        x = Reference.add(x, linear(t, p + "attn.out_proj", Reference.attention(parts[0], parts[1], parts[2], d, heads, true), d));
        h = layerNorm(t, p + "ln_2", x, d);
        h = Reference.map(linear(t, p + "mlp.c_fc", h, d), v2 -> Reference.gelu((float) v2));
        return Reference.add(x, linear(t, p + "mlp.c_proj", h, 4 * d));
    }
}
