package koboldj.bench;

import java.nio.file.Path;
import java.util.Locale;

import koboldj.text.llama.Llama;
import koboldj.text.llama.LlamaBatch;
import koboldj.text.llama.LlamaContext;
import koboldj.text.llama.LlamaModel;

/**
 * What one decode step costs llama.cpp by how many sequences it advances, straight through the
 * engine's own native layer, with no server around it: the bound on what continuous batching can
 * give. Aggregate tokens/s at N clients can be no more than N divided by the N-wide step, whatever
 * the scheduler does; the step's growth with N is the matrix kernels' (llama.cpp's F16 tinyBLAS
 * on AVX2 in the shipped build), which nothing on the Java side changes.
 */
public final class StepCostBenchmark {
    /** Tokens each sequence holds before steps are timed, as a short prompt would. */
    private static final int PROMPT = 32;
    private static final int WARM_STEPS = 3;

    private StepCostBenchmark() {
    }

    public static void main(String[] args) {
        if (args.length < 1) {
            System.err.println("usage: StepCostBenchmark MODEL.gguf [WIDEST] [THREADS] [STEPS]");
            System.exit(2);
        }
        Path file = Path.of(args[0]);
        int widest = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : Runtime.getRuntime().availableProcessors();
        int steps = args.length > 3 ? Integer.parseInt(args[3]) : 40;
        // room for every width's steps in each sequence, past its prompt
        int perSequence = PROMPT + widest * (steps + WARM_STEPS) + 1;
        int cells = perSequence * widest;
        try (LlamaModel model = LlamaModel.load(file, cells, progress -> { });
                LlamaContext context = model.newContext(new Llama.ContextOptions(cells, Math.max(PROMPT, widest), widest,
                        threads, threads, false, -1));
                LlamaBatch batch = new LlamaBatch(Math.max(PROMPT, widest))) {
            int[] positions = new int[widest];
            for (int sequence = 0; sequence < widest; sequence++) {
                batch.clear();
                for (int i = 0; i < PROMPT; i++) {
                    batch.add(token(model, i), i, sequence, i == PROMPT - 1);
                }
                decode(context, batch);
                positions[sequence] = PROMPT;
            }
            System.out.printf(Locale.ROOT, "%s, %d threads: one decode step advancing N sequences by a token each%n",
                    file.getFileName(), threads);
            System.out.printf(Locale.ROOT, "%3s %10s %12s %22s%n", "N", "step ms", "tokens/s", "speed-up over 1-wide");
            double single = 0;
            for (int width = 1; width <= widest; width++) {
                for (int step = 0; step < WARM_STEPS; step++) {
                    step(model, context, batch, positions, width);
                }
                long started = System.nanoTime();
                for (int step = 0; step < steps; step++) {
                    step(model, context, batch, positions, width);
                }
                double millis = (System.nanoTime() - started) / 1e6 / steps;
                if (width == 1) {
                    single = millis;
                }
                System.out.printf(Locale.ROOT, "%3d %10.2f %12.1f %21.2fx%n", width, millis, width * 1000 / millis,
                        width * single / millis);
            }
        }
    }

    private static void step(LlamaModel model, LlamaContext context, LlamaBatch batch, int[] positions, int width) {
        batch.clear();
        for (int sequence = 0; sequence < width; sequence++) {
            int position = positions[sequence]++;
            batch.add(token(model, position), position, sequence, true);
        }
        decode(context, batch);
    }

    /** Any token of the vocabulary past its first few (which are often control tokens). */
    private static int token(LlamaModel model, int position) {
        return 3 + position % Math.max(1, model.vocabularySize() - 3);
    }

    private static void decode(LlamaContext context, LlamaBatch batch) {
        int result = context.decode(batch);
        if (result != 0) {
            throw new IllegalStateException("llama_decode returned " + result);
        }
    }
}
