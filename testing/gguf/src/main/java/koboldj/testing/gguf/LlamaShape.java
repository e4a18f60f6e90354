package koboldj.testing.gguf;

import java.util.Locale;
import java.util.Map;

/**
 * The dimensions of a llama-architecture model. The named shapes are the ones the engine is
 * measured on: the forward pass of random weights costs what a trained model of that shape costs.
 */
public record LlamaShape(int width, int layers, int heads, int kvHeads, int feedForward, int vocabulary, int context) {
    public static final Map<String, LlamaShape> NAMED = Map.of(
            "125m", new LlamaShape(768, 12, 12, 12, 2048, 32000, 8192),
            "400m", new LlamaShape(1024, 24, 16, 4, 2816, 32000, 8192),
            "1b", new LlamaShape(2048, 16, 32, 8, 5632, 32000, 8192));

    public LlamaShape {
        if (width % heads != 0 || heads % kvHeads != 0) {
            throw new IllegalArgumentException("the width must divide into heads and the heads into KV heads");
        }
    }

    public static LlamaShape named(String name) {
        LlamaShape shape = NAMED.get(name.toLowerCase(Locale.ROOT));
        if (shape == null) {
            throw new IllegalArgumentException("unknown shape " + name + "; known: " + NAMED.keySet());
        }
        return shape;
    }

    public int headSize() {
        return width / heads;
    }

    public long parameters() {
        long attention = (long) width * width * 2 + 2L * width * headSize() * kvHeads;
        long feedForwardWeights = 3L * width * feedForward;
        return layers * (attention + feedForwardWeights + 2L * width) + 2L * vocabulary * width + width;
    }
}
