package koboldj.image.lora;

import java.util.stream.IntStream;

/** The arithmetic of a merge, in plain Java: a weight's rows plus scale · up · down. */
final class LoraDelta {
    /** Below this many multiply-adds a merge stays on the calling thread. */
    private static final long PARALLEL_WORK = 1L << 22;

    private LoraDelta() {
    }

    /**
     * Adds {@code scale · up · down} to the {@code rows × columns} matrix at {@code offset} of {@code weight}
     * (row-major), {@code up} being {@code rows × rank} and {@code down} {@code rank × columns}.
     */
    static void add(float[] weight, int offset, float[] up, float[] down, int rows, int rank, int columns, float scale) {
        if (up.length != (long) rows * rank || down.length != (long) rank * columns
                || offset < 0 || offset + (long) rows * columns > weight.length) {
            throw new IllegalArgumentException("a " + rows + " x " + rank + " by " + rank + " x " + columns
                    + " update does not fit");
        }
        IntStream all = IntStream.range(0, rows);
        if ((long) rows * rank * columns >= PARALLEL_WORK) {
            all = all.parallel();
        }
        all.forEach(row -> {
            float[] sum = new float[columns];
            for (int r = 0; r < rank; r++) {
                float u = up[row * rank + r];
                int from = r * columns;
                for (int c = 0; c < columns; c++) {
                    sum[c] += u * down[from + c];
                }
            }
            int at = offset + row * columns;
            for (int c = 0; c < columns; c++) {
                weight[at + c] += scale * sum[c];
            }
        });
    }
}
