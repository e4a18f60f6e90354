package koboldj.image.prompt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class PromptEncoderTest {

    private static final int BOS = 49406;
    private static final int EOS = 49407;
    private static final int CAT = 2368;
    private static final int DOG = 1929;
    private static final int COMMA = 267;

    @Test
    void sd1PadsWithTheEndToken() {
        PromptChunks chunks = PromptEncoder.sd1().encode("a photograph of an astronaut riding a horse");
        assertEquals(1, chunks.chunks());
        int[] expected = new int[77];
        Arrays.fill(expected, EOS);
        System.arraycopy(new int[] {BOS, 320, 8853, 539, 550, 18376, 6765, 320, 4558, EOS}, 0, expected, 0, 10);
        assertArrayEquals(expected, chunks.tokenIds());
        float[] ones = new float[77];
        Arrays.fill(ones, 1f);
        assertArrayEquals(ones, chunks.weights());
    }

    @Test
    void sd2KeepsOneEndTokenThenPadsWithZero() {
        int[] ids = PromptEncoder.sd2().encode("a photo of a cat").tokenIds();
        int[] expected = new int[77];
        System.arraycopy(new int[] {BOS, 320, 1125, 539, 320, CAT, EOS}, 0, expected, 0, 7);
        assertArrayEquals(expected, ids);
    }

    @Test
    void anEmptyPromptIsOneChunkOfStartAndEnd() {
        PromptChunks chunks = PromptEncoder.sd1().encode("");
        assertEquals(1, chunks.chunks());
        assertEquals(BOS, chunks.tokenIds()[0]);
        assertEquals(EOS, chunks.tokenIds()[1]);
        assertEquals(EOS, chunks.tokenIds()[76]);
        assertEquals(0, PromptEncoder.sd2().encode("").tokenIds()[2]);
    }

    @Test
    void emphasisWeightsTheTokensOfEachRun() {
        PromptChunks chunks = PromptEncoder.sd1().encode("a (cat:1.5) and [dog] ((photo))");
        assertArrayEquals(new int[] {BOS, 320, CAT, 537, DOG, 1125, EOS}, Arrays.copyOf(chunks.tokenIds(), 7));
        assertArrayEquals(new float[] {1, 1, 1.5f, 1, (float) (1 / 1.1), (float) (1.1 * 1.1), 1},
                Arrays.copyOf(chunks.weights(), 7), 1e-6f);
    }

    @Test
    void aHundredTokensMakeTwoChunksOf75() {
        PromptChunks chunks = PromptEncoder.sd1().encode("cat ".repeat(100));
        assertEquals(2, chunks.chunks());
        int[] ids = chunks.tokenIds();
        assertEquals(BOS, ids[0]);
        assertEquals(CAT, ids[75]);
        assertEquals(EOS, ids[76]);
        assertEquals(BOS, ids[77]);
        assertEquals(CAT, ids[77 + 25]);
        assertEquals(EOS, ids[77 + 26]);
        assertEquals(100, Arrays.stream(ids).filter(id -> id == CAT).count());
    }

    @Test
    void aFullChunkBreaksAfterItsLastCommaWithinTwentyTokens() {
        PromptChunks chunks = PromptEncoder.sd1().encode("cat ".repeat(70) + ", " + "dog ".repeat(10));
        assertEquals(2, chunks.chunks());
        int[] ids = chunks.tokenIds();
        assertEquals(COMMA, ids[71]);
        assertEquals(EOS, ids[72]);
        assertEquals(EOS, ids[75]);
        for (int i = 1; i <= 10; i++) {
            assertEquals(DOG, ids[77 + i]);
        }
        assertEquals(EOS, ids[77 + 11]);
        PromptChunks far = PromptEncoder.sd1().encode("cat ".repeat(50) + ", " + "dog ".repeat(30));
        assertEquals(DOG, far.tokenIds()[75], "a comma more than 20 tokens back does not move the tail");
    }

    @Test
    void breakStartsANewChunk() {
        PromptChunks chunks = PromptEncoder.sd1().encode("cat BREAK dog");
        assertEquals(2, chunks.chunks());
        assertArrayEquals(new int[] {BOS, CAT, EOS}, Arrays.copyOf(chunks.tokenIds(), 3));
        assertArrayEquals(new int[] {BOS, DOG, EOS}, Arrays.copyOfRange(chunks.tokenIds(), 77, 80));
    }

    @Test
    void theShorterOfCondAndUncondGetsEmptyPromptChunks() {
        PromptEncoder encoder = PromptEncoder.sd2();
        List<PromptChunks> both = encoder.sameLength(encoder.encode("cat ".repeat(100)), encoder.encode("dog"));
        assertEquals(2, both.get(0).chunks());
        assertEquals(2, both.get(1).chunks());
        assertArrayEquals(encoder.encode("").tokenIds(), Arrays.copyOfRange(both.get(1).tokenIds(), 77, 154));
        assertEquals(DOG, both.get(1).tokenIds()[1]);
    }
}
