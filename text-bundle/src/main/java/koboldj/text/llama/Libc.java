package koboldj.text.llama;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * The C library's memory calls that giving back a context's zeroed pages needs (ContextPages): which
 * pages are resident, and dropping them. Downcalls fail as Llama's do.
 */
final class Libc {
    static final long PAGE = 4096;
    private static final int MADV_DONTNEED = 4;
    private static final int MADV_NOHUGEPAGE = 15;
    private static final MethodHandle MADVISE = bind("madvise", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle MINCORE = bind("mincore", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS));

    private Libc() {
    }

    private static MethodHandle bind(String name, FunctionDescriptor descriptor) {
        Linker linker = Linker.nativeLinker();
        return linker.downcallHandle(linker.defaultLookup().find(name).orElseThrow(), descriptor);
    }

    /** One byte for each of the {@code length / PAGE} pages from the page-aligned {@code address}: bit 0 set if it is resident. */
    static byte[] resident(long address, long length) {
        long pages = length / PAGE;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment vector = arena.allocate(pages);
            int status = (int) Llama.call(() -> (int) MINCORE.invokeExact(MemorySegment.ofAddress(address), pages * PAGE, vector));
            if (status != 0) {
                throw new IllegalStateException("mincore failed on " + Long.toHexString(address));
            }
            return vector.toArray(JAVA_BYTE);
        }
    }

    /**
     * Drops this process's pages of a page-aligned range: private anonymous memory reads as zeros
     * again, a shared file mapping reads the file again (from the page cache, where its pages stay).
     */
    static void dropPages(long address, long length) {
        advise(address, length, MADV_DONTNEED);
    }

    /** Keeps a range in small pages, so that writing a few bytes makes 4 KB resident rather than 2 MB. */
    static void smallPages(long address, long length) {
        advise(address, length, MADV_NOHUGEPAGE);
    }

    private static void advise(long address, long length, int advice) {
        if ((int) Llama.call(() -> (int) MADVISE.invokeExact(MemorySegment.ofAddress(address), length, advice)) != 0) {
            throw new IllegalStateException("madvise(" + advice + ") failed on " + Long.toHexString(address));
        }
    }
}
