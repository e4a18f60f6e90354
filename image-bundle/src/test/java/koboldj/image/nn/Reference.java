package koboldj.image.nn;

/**
 * Plain-Java versions of the layers, written from the models' definitions (PyTorch semantics),
 * for one item: images are [C][H][W] flattened, token sequences [T][C] flattened.
 */
final class Reference {
    private Reference() {
    }

    /** A record of an image's size. */
    record Image(float[] v, int c, int h, int w) {
    }

    static Image conv(Image x, float[] weight, float[] bias, int out, int k, int stride, int pad) {
        int oh = (x.h + 2 * pad - k) / stride + 1;
        int ow = (x.w + 2 * pad - k) / stride + 1;
        float[] y = new float[out * oh * ow];
        for (int o = 0; o < out; o++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    double s = bias == null ? 0 : bias[o];
                    for (int c = 0; c < x.c; c++) {
                        for (int ky = 0; ky < k; ky++) {
                            int iy = oy * stride + ky - pad;
                            if (iy < 0 || iy >= x.h) {
                                continue;
                            }
                            for (int kx = 0; kx < k; kx++) {
                                int ix = ox * stride + kx - pad;
                                if (ix < 0 || ix >= x.w) {
                                    continue;
                                }
                                s += weight[((o * x.c + c) * k + ky) * k + kx] * x.v[(c * x.h + iy) * x.w + ix];
                            }
                        }
                    }
                    y[(o * oh + oy) * ow + ox] = (float) s;
                }
            }
        }
        return new Image(y, out, oh, ow);
    }

    static Image groupNorm(Image x, int groups, float[] weight, float[] bias, float eps) {
        float[] y = new float[x.v.length];
        int per = x.c / groups;
        int hw = x.h * x.w;
        for (int g = 0; g < groups; g++) {
            double mean = 0;
            double sq = 0;
            int n = per * hw;
            for (int i = g * per * hw; i < (g + 1) * per * hw; i++) {
                mean += x.v[i];
            }
            mean /= n;
            for (int i = g * per * hw; i < (g + 1) * per * hw; i++) {
                sq += (x.v[i] - mean) * (x.v[i] - mean);
            }
            double inv = 1 / Math.sqrt(sq / n + eps);
            for (int c = g * per; c < (g + 1) * per; c++) {
                for (int i = 0; i < hw; i++) {
                    y[c * hw + i] = (float) ((x.v[c * hw + i] - mean) * inv * weight[c] + bias[c]);
                }
            }
        }
        return new Image(y, x.c, x.h, x.w);
    }

    static float[] layerNorm(float[] x, int width, float[] weight, float[] bias, float eps) {
        float[] y = new float[x.length];
        for (int t = 0; t < x.length / width; t++) {
            double mean = 0;
            for (int i = 0; i < width; i++) {
                mean += x[t * width + i];
            }
            mean /= width;
            double sq = 0;
            for (int i = 0; i < width; i++) {
                sq += (x[t * width + i] - mean) * (x[t * width + i] - mean);
            }
            double inv = 1 / Math.sqrt(sq / width + eps);
            for (int i = 0; i < width; i++) {
                y[t * width + i] = (float) ((x[t * width + i] - mean) * inv * weight[i] + bias[i]);
            }
        }
        return y;
    }

    /** x [T][in] times weight [out][in] plus bias. */
    static float[] linear(float[] x, int in, float[] weight, float[] bias, int out) {
        int tokens = x.length / in;
        float[] y = new float[tokens * out];
        for (int t = 0; t < tokens; t++) {
            for (int o = 0; o < out; o++) {
                double s = bias == null ? 0 : bias[o];
                for (int i = 0; i < in; i++) {
                    s += weight[o * in + i] * x[t * in + i];
                }
                y[t * out + o] = (float) s;
            }
        }
        return y;
    }

    /** Multi-head attention of q [T][C] over k, v [Tk][C]. */
    static float[] attention(float[] q, float[] k, float[] v, int c, int heads, boolean causal) {
        int t = q.length / c;
        int tk = k.length / c;
        int d = c / heads;
        float[] out = new float[t * c];
        double scale = 1 / Math.sqrt(d);
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < t; i++) {
                double[] score = new double[tk];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < tk; j++) {
                    if (causal && j > i) {
                        score[j] = Double.NEGATIVE_INFINITY;
                        continue;
                    }
                    double s = 0;
                    for (int e = 0; e < d; e++) {
                        s += q[i * c + h * d + e] * k[j * c + h * d + e];
                    }
                    score[j] = s * scale;
                    max = Math.max(max, score[j]);
                }
                double sum = 0;
                for (int j = 0; j < tk; j++) {
                    score[j] = Math.exp(score[j] - max);
                    sum += score[j];
                }
                for (int e = 0; e < d; e++) {
                    double s = 0;
                    for (int j = 0; j < tk; j++) {
                        s += score[j] / sum * v[j * c + h * d + e];
                    }
                    out[i * c + h * d + e] = (float) s;
                }
            }
        }
        return out;
    }

    static float silu(float x) {
        return (float) (x / (1 + Math.exp(-x)));
    }

    /** GELU as ggml computes it, the tanh approximation (the exact GELU differs by under 1e-3). */
    static float gelu(float x) {
        return (float) (0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x))));
    }

    static float quickGelu(float x) {
        return (float) (x / (1 + Math.exp(-1.702 * x)));
    }

    static float[] map(float[] x, java.util.function.DoubleUnaryOperator f) {
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = (float) f.applyAsDouble(x[i]);
        }
        return y;
    }

    static float[] add(float[] a, float[] b) {
        float[] y = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            y[i] = a[i] + b[i];
        }
        return y;
    }

    static Image add(Image a, Image b) {
        return new Image(add(a.v, b.v), a.c, a.h, a.w);
    }

    static Image silu(Image x) {
        return new Image(map(x.v, v -> silu((float) v)), x.c, x.h, x.w);
    }

    /** [C][H][W] as tokens [HW][C]. */
    static float[] tokens(Image x) {
        float[] t = new float[x.v.length];
        for (int c = 0; c < x.c; c++) {
            for (int i = 0; i < x.h * x.w; i++) {
                t[i * x.c + c] = x.v[c * x.h * x.w + i];
            }
        }
        return t;
    }

    static Image image(float[] tokens, int c, int h, int w) {
        float[] v = new float[tokens.length];
        for (int ch = 0; ch < c; ch++) {
            for (int i = 0; i < h * w; i++) {
                v[ch * h * w + i] = tokens[i * c + ch];
            }
        }
        return new Image(v, c, h, w);
    }

    static Image upsample(Image x) {
        return upsample(x, 2 * x.h, 2 * x.w);
    }

    /** PyTorch's {@code interpolate(size=(h, w), mode="nearest")}: output pixel i takes input pixel floor(i * in / out). */
    static Image upsample(Image x, int h, int w) {
        float[] y = new float[x.c * h * w];
        for (int c = 0; c < x.c; c++) {
            for (int yy = 0; yy < h; yy++) {
                for (int xx = 0; xx < w; xx++) {
                    y[(c * h + yy) * w + xx] = x.v[(c * x.h + yy * x.h / h) * x.w + xx * x.w / w];
                }
            }
        }
        return new Image(y, x.c, h, w);
    }

    /** LDM's timestep embedding: cos then sin of t * exp(-ln(maxPeriod) * i / half). */
    static float[] timestepEmbedding(float t, int dim, int maxPeriod) {
        int half = dim / 2;
        float[] y = new float[dim];
        for (int i = 0; i < half; i++) {
            double freq = Math.exp(-Math.log(maxPeriod) * i / half);
            y[i] = (float) Math.cos(t * freq);
            y[i + half] = (float) Math.sin(t * freq);
        }
        return y;
    }

    /** ||a - b|| / ||b||. */
    static double relativeError(float[] actual, float[] expected) {
        if (actual.length != expected.length) {
            throw new AssertionError("lengths " + actual.length + " and " + expected.length);
        }
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < actual.length; i++) {
            diff += (actual[i] - expected[i]) * (double) (actual[i] - expected[i]);
            norm += expected[i] * (double) expected[i];
        }
        return Math.sqrt(diff / norm);
    }
}
