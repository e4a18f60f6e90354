package koboldj.testing.gguf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleSupplier;
import java.util.SplittableRandom;

import koboldj.testing.gguf.GgufWriter.Tensor;

/**
 * Writes a llama-architecture GGUF of a real model's shape with random F16 weights and the
 * tokenizer of another GGUF (the test model's), so the engine can be measured on the sizes users
 * run without downloading gigabytes. The tokenizer's vocabulary is padded with plain tokens up to
 * the shape's, so the output layer and the samplers see as many candidates as in a real model.
 *
 * <p>Usage: {@code RandomLlamaModel TOKENIZER.gguf SHAPE OUT.gguf [--seed N] [--layers N]
 * [--residual-scale X] [--logit-scale X]}, SHAPE one of {@link LlamaShape#NAMED}; the options are
 * {@link RandomWeights}'.
 */
public final class RandomLlamaModel {
    private static final double SPREAD = 0.02;

    private RandomLlamaModel() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 3 || args.length % 2 == 0) {
            usage();
        }
        LlamaShape shape = LlamaShape.named(args[1]);
        Path out = Path.of(args[2]);
        RandomWeights weights;
        try {
            weights = options(args);
            weights.layersOf(shape);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            usage();
            return;
        }
        long started = System.nanoTime();
        write(Path.of(args[0]), shape, weights, out);
        System.out.printf(Locale.ROOT, "%s: %s, %s, %.0f MB, written in %.1f s%n", out, shape, weights,
                Files.size(out) / 1e6, (System.nanoTime() - started) / 1e9);
    }

    private static void usage() {
        System.err.println("usage: RandomLlamaModel TOKENIZER.gguf SHAPE OUT.gguf [--seed N] [--layers N]"
                + " [--residual-scale X] [--logit-scale X]  (SHAPE: " + String.join(", ", LlamaShape.NAMED.keySet()) + ")");
        System.exit(2);
    }

    private static RandomWeights options(String[] args) {
        RandomWeights weights = RandomWeights.DEFAULTS;
        for (int i = 3; i < args.length; i += 2) {
            String value = args[i + 1];
            try {
                weights = switch (args[i]) {
                    case "--seed" -> new RandomWeights(Long.parseLong(value), weights.layers(), weights.residualScale(),
                            weights.logitScale());
                    case "--layers" -> new RandomWeights(weights.seed(), Integer.parseInt(value), weights.residualScale(),
                            weights.logitScale());
                    case "--residual-scale" -> new RandomWeights(weights.seed(), weights.layers(),
                            Double.parseDouble(value), weights.logitScale());
                    case "--logit-scale" -> new RandomWeights(weights.seed(), weights.layers(), weights.residualScale(),
                            Double.parseDouble(value));
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                };
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(args[i] + " needs a number, not " + value);
            }
        }
        return weights;
    }

    public static void write(Path tokenizerSource, LlamaShape shape, Path out) throws IOException {
        write(tokenizerSource, shape, RandomWeights.DEFAULTS, out);
    }

    public static void write(Path tokenizerSource, LlamaShape shape, RandomWeights weights, Path out) throws IOException {
        int layers = weights.layersOf(shape);
        GgufMetadata metadata = new GgufMetadata();
        metadata.putString("general.architecture", "llama");
        metadata.putString("general.name", "random llama " + shape.width() + "x" + layers);
        metadata.putUint32("general.file_type", 1); // mostly F16
        metadata.putUint32("llama.context_length", shape.context());
        metadata.putUint32("llama.embedding_length", shape.width());
        metadata.putUint32("llama.feed_forward_length", shape.feedForward());
        metadata.putUint32("llama.block_count", layers);
        metadata.putUint32("llama.attention.head_count", shape.heads());
        metadata.putUint32("llama.attention.head_count_kv", shape.kvHeads());
        metadata.putUint32("llama.rope.dimension_count", shape.headSize());
        metadata.putFloat32("llama.attention.layer_norm_rms_epsilon", 1e-5f);
        copyTokenizer(GgufMetadata.read(tokenizerSource), shape.vocabulary(), metadata);
        GgufWriter.write(out, metadata, tensors(shape, layers, weights));
    }

    private static void copyTokenizer(GgufMetadata source, int vocabulary, GgufMetadata target) {
        source.entries().forEach((key, value) -> {
            if (key.startsWith("tokenizer.")) {
                target.entries().put(key, value);
            }
        });
        List<String> tokens = new ArrayList<>(source.strings("tokenizer.ggml.tokens"));
        int known = tokens.size();
        if (vocabulary < known) {
            throw new IllegalArgumentException("the shape's vocabulary is smaller than the tokenizer's " + known);
        }
        for (int id = known; id < vocabulary; id++) {
            tokens.add("\u2581pad" + id);
        }
        float[] scores = Arrays.copyOf(source.floats("tokenizer.ggml.scores"), vocabulary);
        Arrays.fill(scores, known, vocabulary, -1000f);
        int[] types = Arrays.copyOf(source.ints("tokenizer.ggml.token_type"), vocabulary);
        Arrays.fill(types, known, vocabulary, 1); // normal
        target.putStrings("tokenizer.ggml.tokens", tokens);
        target.putFloats("tokenizer.ggml.scores", scores);
        target.putInts("tokenizer.ggml.token_type", types);
    }

    private static List<Tensor> tensors(LlamaShape shape, int layers, RandomWeights weights) {
        SplittableRandom random = new SplittableRandom(weights.seed());
        // uniform on [-a, a] has standard deviation a / sqrt(3)
        double half = SPREAD * Math.sqrt(3);
        DoubleSupplier noise = () -> random.nextDouble(-half, half);
        // scaled after the draw, so that every scale draws the same numbers from the generator
        double residual = weights.residualScale();
        DoubleSupplier residualNoise = () -> residual * noise.getAsDouble();
        double logitScale = weights.logitScale();
        long width = shape.width();
        long kv = (long) shape.headSize() * shape.kvHeads();
        long ff = shape.feedForward();
        List<Tensor> tensors = new ArrayList<>();
        tensors.add(weights("token_embd.weight", width, shape.vocabulary(), noise));
        tensors.add(Tensor.f32("output_norm.weight", new long[] {width}, () -> logitScale));
        tensors.add(weights("output.weight", width, shape.vocabulary(), noise));
        for (int layer = 0; layer < layers; layer++) {
            String block = "blk." + layer + ".";
            tensors.add(ones(block + "attn_norm.weight", width));
            tensors.add(weights(block + "attn_q.weight", width, width, noise));
            tensors.add(weights(block + "attn_k.weight", width, kv, noise));
            tensors.add(weights(block + "attn_v.weight", width, kv, noise));
            tensors.add(weights(block + "attn_output.weight", width, width, residualNoise));
            tensors.add(ones(block + "ffn_norm.weight", width));
            tensors.add(weights(block + "ffn_gate.weight", width, ff, noise));
            tensors.add(weights(block + "ffn_up.weight", width, ff, noise));
            tensors.add(weights(block + "ffn_down.weight", ff, width, residualNoise));
        }
        return tensors;
    }

    /** A matrix of {@code rows} outputs over {@code inputs}: ggml lists the input dimension first. */
    private static Tensor weights(String name, long inputs, long rows, DoubleSupplier noise) {
        return Tensor.f16(name, new long[] {inputs, rows}, noise);
    }

    /** Norm weights of 1, as a model starts training with. */
    private static Tensor ones(String name, long size) {
        return Tensor.f32(name, new long[] {size}, () -> 1.0);
    }
}
