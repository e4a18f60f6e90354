package koboldj.audio.tts.espeak;

import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/** The samples of one synthesis as the library hands them over, up to a limit. */
final class SampleBuffer {
    private final int limit;
    private short[] samples = new short[8192];
    private int size;
    private boolean overflowed;

    SampleBuffer(int limit) {
        this.limit = limit;
    }

    /** Appends {@code count} samples from native memory; false (and nothing added) past the limit. */
    boolean add(MemorySegment native16, int count) {
        if (count > limit - size) {
            overflowed = true;
            return false;
        }
        if (size + count > samples.length) {
            samples = Arrays.copyOf(samples, Math.min(limit, Math.max(size + count, samples.length * 2)));
        }
        MemorySegment.copy(native16, JAVA_SHORT, 0, samples, size, count);
        size += count;
        return true;
    }

    boolean overflowed() {
        return overflowed;
    }

    short[] toArray() {
        return Arrays.copyOf(samples, size);
    }
}
