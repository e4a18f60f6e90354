package koboldj.text.embeddings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;

import koboldj.text.embeddings.DecodeGroups.Group;

class DecodeGroupsTest {

    @Test
    void packsInputsInOrderUpToTheTokenLimit() {
        assertEquals(List.of(new Group(0, 2), new Group(2, 3), new Group(3, 5)),
                DecodeGroups.of(new int[] {4, 6, 8, 5, 5}, 10, 16, 1));
    }

    @Test
    void anInputThatFillsTheContextGoesAlone() {
        assertEquals(List.of(new Group(0, 1), new Group(1, 2), new Group(2, 3)),
                DecodeGroups.of(new int[] {1, 10, 1}, 10, 16, 1));
    }

    @Test
    void packsAtMostTheSequenceLimit() {
        assertEquals(List.of(new Group(0, 3), new Group(3, 6), new Group(6, 7)),
                DecodeGroups.of(new int[] {1, 1, 1, 1, 1, 1, 1}, 100, 3, 1));
    }

    @Test
    void everyInputStartsAtAMultipleOfTheAlignmentAndThePaddingCounts() {
        assertEquals(8, DecodeGroups.alignedStart(5, 8));
        assertEquals(8, DecodeGroups.alignedStart(8, 8));
        assertEquals(0, DecodeGroups.alignedStart(0, 8));
        // starts 0, 8, 16: the third ends at 16 + 5 > 20, so it begins the next group
        assertEquals(List.of(new Group(0, 2), new Group(2, 4)),
                DecodeGroups.of(new int[] {3, 5, 5, 12}, 20, 16, 8));
        // an input may fill the batch when it comes first
        assertEquals(List.of(new Group(0, 1), new Group(1, 2)), DecodeGroups.of(new int[] {1, 20}, 20, 16, 8));
    }

    @Test
    void refusesAnInputThatCannotFit() {
        assertThrows(IllegalArgumentException.class, () -> DecodeGroups.of(new int[] {3, 11}, 10, 16, 1));
        assertThrows(IllegalArgumentException.class, () -> DecodeGroups.of(new int[] {0}, 10, 16, 1));
    }
}
