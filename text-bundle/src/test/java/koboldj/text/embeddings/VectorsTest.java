package koboldj.text.embeddings;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class VectorsTest {

    @Test
    void normalizedVectorsHaveLengthOneAndKeepTheirDirection() {
        float[] vector = Vectors.normalize(new float[] {3, -4, 0});
        assertArrayEquals(new float[] {0.6f, -0.8f, 0}, vector, 1e-7f);
        float[] tiny = Vectors.normalize(new float[] {1e-30f, 1e-30f});
        assertEquals(1.0, tiny[0] * (double) tiny[0] + tiny[1] * (double) tiny[1], 1e-6);
    }

    @Test
    void aZeroVectorStaysZeroInsteadOfBecomingNaN() {
        assertArrayEquals(new float[] {0, 0}, Vectors.normalize(new float[] {0, 0}));
    }
}
