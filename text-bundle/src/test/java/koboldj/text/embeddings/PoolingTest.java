package koboldj.text.embeddings;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PoolingTest {
    private static final float[][] STATES = {{1, 2}, {3, 6}, {5, -2}};

    @Test
    void poolsTheWayTheirNamesSay() {
        assertArrayEquals(new float[] {3, 2}, Pooling.MEAN.pool(STATES));
        assertArrayEquals(new float[] {1, 2}, Pooling.CLS.pool(STATES));
        assertArrayEquals(new float[] {5, -2}, Pooling.LAST.pool(STATES));
    }

    @Test
    void poolingDoesNotHandOutTheTokensOwnArrays() {
        float[] first = Pooling.CLS.pool(STATES);
        first[0] = 99;
        assertEquals(1, STATES[0][0]);
    }

    @Test
    void readsTheGgufPoolingType() {
        assertEquals(Pooling.MEAN, Pooling.fromGguf(null));
        assertEquals(Pooling.MEAN, Pooling.fromGguf("0"));
        assertEquals(Pooling.MEAN, Pooling.fromGguf("1"));
        assertEquals(Pooling.CLS, Pooling.fromGguf("2"));
        assertEquals(Pooling.LAST, Pooling.fromGguf("3"));
        assertThrows(IllegalArgumentException.class, () -> Pooling.fromGguf("4"));
        assertThrows(IllegalArgumentException.class, () -> Pooling.fromGguf("x"));
    }
}
