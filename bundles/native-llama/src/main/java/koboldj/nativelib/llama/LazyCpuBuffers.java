package koboldj.nativelib.llama;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Makes ggml's CPU buffers of {@link #MAPPED_FROM} bytes or more private anonymous mappings of
 * their own, so that the first clearing of a new one to zero need not write it: llama.cpp clears
 * each KV cache it makes, which with ggml's own buffer wrote the whole cache at once (125M shape,
 * 4096 cells: 151 MB, ~0.4 s of page clearing in the context's creation here) and made all of it
 * resident however short the requests. Now a page of the cache becomes resident when a token is
 * first written into it. A buffer so cleared is kept in 4 KB pages: llama.cpp lays a layer's
 * values out cell-minor, so each new cell writes into every value row, and 2 MB pages would make
 * nearly all of it resident with the first token. Other large buffers (compute graphs, weights
 * read with --nommap) ask for huge pages.
 *
 * <p>Only a buffer's first clearing is skipped, and only while none of its pages is resident (a
 * fresh mapping reads as zeros until written). Later clearings write zeros as ggml's do:
 * llama.cpp clears its logits buffer before every decode, and dropping those pages each time would
 * fault them in again on every step.
 *
 * <p>ggml's buffer types are its extension point for memory; this keeps ggml's own CPU buffer
 * functions for everything but allocating, freeing and clearing, and changes only the CPU buffer
 * type's allocator, a function pointer in the library's writable data, once per process (the
 * library is opened once, see {@link LlamaLibrary}). The upcalls live in {@link Arena#global()}
 * for as long as the library does, so a later revision of this bundle leaves them with the first
 * revision's class (they use nothing but {@code java.*}); they never throw.
 *
 * <p>Struct layouts are b4916's ({@code ggml-backend-impl.h}): a buffer type starts with its
 * {@code iface} of six function pointers, {@code alloc_buffer} the second; a buffer is its
 * {@code iface} of nine (free_buffer, get_base, init_tensor, memset_tensor, set_tensor,
 * get_tensor, cpy_tensor, clear, reset), then buft, context, size and usage.
 */
final class LazyCpuBuffers {
    /** Smaller buffers stay ggml's: a mapping of their own would cost a system call and a page each. */
    static final long MAPPED_FROM = 1 << 20;
    /** A system property naming the library file whose CPU buffer type is changed already. */
    static final String INSTALLED_PROPERTY = "koboldj.native.llama.lazybuffers.";
    private static final System.Logger LOG = System.getLogger(LazyCpuBuffers.class.getName());

    private static final StructLayout BUFFER_FUNCTIONS_LAYOUT = MemoryLayout.structLayout(ADDRESS, ADDRESS, ADDRESS,
            ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS);
    private static final long ALLOC_BUFFER_OFFSET = ADDRESS.byteSize();
    private static final int FREE_BUFFER = 0;
    private static final int CLEAR = 7;
    private static final long CONTEXT_OFFSET = BUFFER_FUNCTIONS_LAYOUT.byteSize() + ADDRESS.byteSize();
    private static final long SIZE_OFFSET = CONTEXT_OFFSET + ADDRESS.byteSize();
    private static final long PAGE = 4096;

    private static final int PROT_READ_WRITE = 0x1 | 0x2;
    private static final int MAP_PRIVATE_ANONYMOUS = 0x02 | 0x20;
    private static final int MADV_HUGEPAGE = 14;
    private static final int MADV_NOHUGEPAGE = 15;
    private static final long MAP_FAILED = -1;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle MMAP = libc("mmap",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle MUNMAP = libc("munmap", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle MADVISE = libc("madvise", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle MINCORE = libc("mincore", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS));
    private static final MethodHandle MEMSET = libc("memset", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG));

    /** The buffer type's own allocator (for small buffers), ggml_backend_buffer_init, and the functions of our buffers. */
    private record Installed(MethodHandle ggmlAllocate, MethodHandle bufferInit, MemorySegment functions) {
    }

    /** Set once, before the allocator is swapped in; volatile, as upcalls may run on threads that never took a lock with the installer. */
    private static volatile Installed installed;
    /** The memory of mapped buffers not cleared yet. */
    private static final Set<Long> neverCleared = ConcurrentHashMap.newKeySet();

    private LazyCpuBuffers() {
    }

    private static MethodHandle libc(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow(name), descriptor);
    }

    /**
     * Changes the CPU buffer type of the library at {@code file}, opened as {@code library}, unless
     * done already in this process; where it cannot be done, ggml keeps its own and a warning says why.
     */
    static synchronized void install(SymbolLookup library, String file) {
        if (System.getProperties().putIfAbsent(INSTALLED_PROPERTY + file, "yes") != null) {
            return;
        }
        try {
            MemorySegment bufferType = ((MemorySegment) LINKER.downcallHandle(
                    library.findOrThrow("ggml_backend_cpu_buffer_type"), FunctionDescriptor.of(ADDRESS)).invokeExact())
                    .reinterpret(ALLOC_BUFFER_OFFSET + ADDRESS.byteSize());
            MethodHandle ggmlAllocate = LINKER.downcallHandle(bufferType.get(ADDRESS, ALLOC_BUFFER_OFFSET),
                    FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG));
            MethodHandle bufferInit = LINKER.downcallHandle(library.findOrThrow("ggml_backend_buffer_init"),
                    FunctionDescriptor.of(ADDRESS, ADDRESS, BUFFER_FUNCTIONS_LAYOUT, ADDRESS, JAVA_LONG));
            installed = new Installed(ggmlAllocate, bufferInit, cpuBufferFunctions(library, bufferType, ggmlAllocate));
            bufferType.set(ADDRESS, ALLOC_BUFFER_OFFSET, upcall("allocate",
                    FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG)));
        } catch (Throwable e) {
            LOG.log(System.Logger.Level.WARNING, "ggml keeps its own CPU buffers, which are written whole when cleared: {0}",
                    String.valueOf(e.getMessage()));
        }
    }

    /** ggml's functions of a CPU buffer, read from one it makes, with ours for freeing and clearing. */
    private static MemorySegment cpuBufferFunctions(SymbolLookup library, MemorySegment bufferType, MethodHandle ggmlAllocate)
            throws Throwable {
        MemorySegment probe = ((MemorySegment) ggmlAllocate.invokeExact(bufferType, 64L))
                .reinterpret(BUFFER_FUNCTIONS_LAYOUT.byteSize());
        if (probe.equals(MemorySegment.NULL)) {
            throw new IllegalStateException("ggml could not allocate 64 bytes");
        }
        MemorySegment copy = Arena.global().allocate(BUFFER_FUNCTIONS_LAYOUT);
        copy.copyFrom(probe);
        LINKER.downcallHandle(library.findOrThrow("ggml_backend_buffer_free"), FunctionDescriptor.ofVoid(ADDRESS))
                .invokeExact(probe);
        copy.setAtIndex(ADDRESS, FREE_BUFFER, upcall("free", FunctionDescriptor.ofVoid(ADDRESS)));
        copy.setAtIndex(ADDRESS, CLEAR, upcall("clear", FunctionDescriptor.ofVoid(ADDRESS, JAVA_BYTE)));
        return copy;
    }

    private static MemorySegment upcall(String name, FunctionDescriptor descriptor) throws ReflectiveOperationException {
        MethodHandle target = MethodHandles.lookup().findStatic(LazyCpuBuffers.class, name, descriptor.toMethodType());
        return LINKER.upcallStub(target, descriptor, Arena.global());
    }

    /** The buffer type's alloc_buffer: null when the memory cannot be had, which ggml reports as a failed allocation. */
    private static MemorySegment allocate(MemorySegment bufferType, long size) {
        try {
            Installed ggml = installed;
            if (size < MAPPED_FROM) {
                return (MemorySegment) ggml.ggmlAllocate().invokeExact(bufferType, size);
            }
            MemorySegment memory = (MemorySegment) MMAP.invokeExact(MemorySegment.NULL, size, PROT_READ_WRITE,
                    MAP_PRIVATE_ANONYMOUS, -1, 0L);
            if (memory.address() == MAP_FAILED) {
                return MemorySegment.NULL;
            }
            // nothing is resident yet: huge pages unless it is cleared (see clear)
            int ignored = (int) MADVISE.invokeExact(memory, size, MADV_HUGEPAGE);
            neverCleared.add(memory.address());
            MemorySegment buffer = (MemorySegment) ggml.bufferInit().invokeExact(bufferType, ggml.functions(), memory, size);
            if (buffer.equals(MemorySegment.NULL)) {
                neverCleared.remove(memory.address());
                int unmapped = (int) MUNMAP.invokeExact(memory, size);
            }
            return buffer;
        } catch (Throwable e) {
            return MemorySegment.NULL;
        }
    }

    private static void free(MemorySegment buffer) {
        try {
            MemorySegment memory = memoryOf(buffer);
            neverCleared.remove(memory.address());
            int ignored = (int) MUNMAP.invokeExact(memory, memory.byteSize());
        } catch (Throwable e) {
            // nothing to do from native code: the mapping stays
        }
    }

    /** The memory of one of our buffers: its context and size fields. */
    private static MemorySegment memoryOf(MemorySegment buffer) {
        MemorySegment fields = buffer.reinterpret(SIZE_OFFSET + JAVA_LONG.byteSize());
        return fields.get(ADDRESS, CONTEXT_OFFSET).reinterpret(fields.get(JAVA_LONG, SIZE_OFFSET));
    }

    /**
     * Writes {@code value} over the buffer, unless it is the first clearing to zero of a buffer
     * none of whose pages is resident: those read as zeros already. Such a buffer (a KV cache) is
     * then kept in small pages.
     */
    private static void clear(MemorySegment buffer, byte value) {
        try {
            MemorySegment memory = memoryOf(buffer);
            long size = memory.byteSize();
            if (neverCleared.remove(memory.address()) && value == 0 && noneResident(memory, size)) {
                // a kernel without transparent huge pages refuses the advice: nothing to undo then
                int ignored = (int) MADVISE.invokeExact(memory, size, MADV_NOHUGEPAGE);
                return;
            }
            MemorySegment ignored = (MemorySegment) MEMSET.invokeExact(memory, value & 0xFF, size);
        } catch (Throwable e) {
            // not reached: the downcalls above do not throw
        }
    }

    /** Whether no page of the mapping is resident (written pages are, until the kernel would swap them out). */
    private static boolean noneResident(MemorySegment memory, long size) {
        long pages = (size + PAGE - 1) / PAGE;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment vector = arena.allocate(pages);
            if ((int) MINCORE.invokeExact(memory, pages * PAGE, vector) != 0) {
                return false;
            }
            for (long page = 0; page < pages; page++) {
                if ((vector.get(JAVA_BYTE, page) & 1) != 0) {
                    return false;
                }
            }
            return true;
        } catch (Throwable e) {
            return false;
        }
    }
}
