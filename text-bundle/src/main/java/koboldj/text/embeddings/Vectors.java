package koboldj.text.embeddings;

/** Vector arithmetic for embeddings. */
public final class Vectors {

    private Vectors() {
    }

    /**
     * Scales {@code vector} in place to length 1, so that a dot product of two vectors is their
     * cosine similarity. A zero vector stays zero: it has no direction to keep.
     */
    public static float[] normalize(float[] vector) {
        double squares = 0;
        for (float value : vector) {
            squares += (double) value * value;
        }
        double norm = Math.sqrt(squares);
        if (norm > 0) {
            for (int d = 0; d < vector.length; d++) {
                vector[d] = (float) (vector[d] / norm);
            }
        }
        return vector;
    }
}
