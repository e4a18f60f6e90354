package koboldj.text.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ContextShiftTest {

    private static IntList list(int... values) {
        IntList list = new IntList(values.length);
        for (int v : values) {
            list.add(v);
        }
        return list;
    }

    @Test
    void findsTheTokensTheClientTrimmedAfterMemory() {
        // memory [1, 9], then a story the client trimmed by three tokens
        IntList cache = list(1, 9, 20, 21, 22, 23, 24, 25, 26, 27);
        int[] prompt = {1, 9, 23, 24, 25, 26, 27, 28, 29};
        assertEquals(3, ContextShift.findDropped(cache, 2, prompt, 4));
    }

    @Test
    void noShiftWhenTheMatchIsShort() {
        IntList cache = list(1, 20, 21, 22, 23, 24, 25);
        assertEquals(1, ContextShift.findDropped(cache, 1, new int[] {1, 21, 22, 99, 98}, 2), "what matches is reused");
        assertEquals(0, ContextShift.findDropped(cache, 1, new int[] {1, 24, 25, 26}, 4), "too short");
        assertEquals(0, ContextShift.findDropped(cache, 1, new int[] {1, 70, 71, 72}, 2), "nothing in common");
    }
}
