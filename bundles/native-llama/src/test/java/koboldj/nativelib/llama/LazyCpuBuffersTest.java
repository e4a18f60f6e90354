package koboldj.nativelib.llama;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/** ggml's CPU buffers through ggml's own API, as llama.cpp uses them, after {@link LlamaLibrary#lookup()} changed their type. */
class LazyCpuBuffersTest {
    private static final long PAGE = 4096;
    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBRARY = LlamaLibrary.lookup();
    private static final MethodHandle BUFFER_TYPE = bind("ggml_backend_cpu_buffer_type", FunctionDescriptor.of(ADDRESS));
    private static final MethodHandle ALLOCATE = bind("ggml_backend_buft_alloc_buffer",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG));
    private static final MethodHandle BASE = bind("ggml_backend_buffer_get_base", FunctionDescriptor.of(ADDRESS, ADDRESS));
    private static final MethodHandle CLEAR = bind("ggml_backend_buffer_clear", FunctionDescriptor.ofVoid(ADDRESS, JAVA_BYTE));
    private static final MethodHandle FREE = bind("ggml_backend_buffer_free", FunctionDescriptor.ofVoid(ADDRESS));
    private static final MethodHandle MINCORE = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("mincore"),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS));

    private static MethodHandle bind(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(LIBRARY.findOrThrow(name), descriptor);
    }

    @Test
    void aNewLargeBufferIsClearedWithoutBeingWrittenAndLaterClearingsWrite() throws Throwable {
        long size = 64 * PAGE * 64; // 16 MB
        MemorySegment buffer = (MemorySegment) ALLOCATE.invokeExact((MemorySegment) BUFFER_TYPE.invokeExact(), size);
        assertNotEquals(MemorySegment.NULL, buffer);
        try {
            MemorySegment memory = ((MemorySegment) BASE.invokeExact(buffer)).reinterpret(size);
            CLEAR.invokeExact(buffer, (byte) 0);
            assertEquals(0, resident(memory), "pages resident right after llama.cpp's clearing");
            memory.set(JAVA_BYTE, 5 * PAGE + 3, (byte) 42);
            memory.set(JAVA_BYTE, size - 1, (byte) 43);
            assertEquals(2, resident(memory));
            assertEquals(42, memory.get(JAVA_BYTE, 5 * PAGE + 3));

            CLEAR.invokeExact(buffer, (byte) 0);
            assertEquals(0, memory.get(JAVA_BYTE, 5 * PAGE + 3));
            assertEquals(0, memory.get(JAVA_BYTE, size - 1));

            CLEAR.invokeExact(buffer, (byte) 0xA5);
            assertEquals((byte) 0xA5, memory.get(JAVA_BYTE, 0));
            assertEquals((byte) 0xA5, memory.get(JAVA_BYTE, size / 2));
            assertEquals((byte) 0xA5, memory.get(JAVA_BYTE, size - 1));
        } finally {
            FREE.invokeExact(buffer);
        }
    }

    @Test
    void aBufferWrittenBeforeItsFirstClearingIsZeroedByIt() throws Throwable {
        long size = 4 << 20;
        MemorySegment buffer = (MemorySegment) ALLOCATE.invokeExact((MemorySegment) BUFFER_TYPE.invokeExact(), size);
        try {
            MemorySegment memory = ((MemorySegment) BASE.invokeExact(buffer)).reinterpret(size);
            memory.set(JAVA_BYTE, size / 3, (byte) 9);
            CLEAR.invokeExact(buffer, (byte) 0);
            assertEquals(0, memory.get(JAVA_BYTE, size / 3));
        } finally {
            FREE.invokeExact(buffer);
        }
    }

    @Test
    void smallBuffersStayGgmls() throws Throwable {
        MemorySegment buffer = (MemorySegment) ALLOCATE.invokeExact((MemorySegment) BUFFER_TYPE.invokeExact(), 1000L);
        try {
            MemorySegment memory = ((MemorySegment) BASE.invokeExact(buffer)).reinterpret(1000);
            CLEAR.invokeExact(buffer, (byte) 7);
            assertEquals(7, memory.get(JAVA_BYTE, 999));
            CLEAR.invokeExact(buffer, (byte) 0);
            assertEquals(0, memory.get(JAVA_BYTE, 999));
        } finally {
            FREE.invokeExact(buffer);
        }
    }

    @Test
    void freedBuffersGiveTheirAddressSpaceBack() throws Throwable {
        MemorySegment type = (MemorySegment) BUFFER_TYPE.invokeExact();
        long before = virtualBytes();
        long allocated = 0;
        for (int i = 0; i < 200; i++) {
            long size = (2L + i % 5) << 20;
            MemorySegment buffer = (MemorySegment) ALLOCATE.invokeExact(type, size);
            assertNotEquals(MemorySegment.NULL, buffer);
            CLEAR.invokeExact(buffer, (byte) 0);
            FREE.invokeExact(buffer);
            allocated += size;
        }
        assertTrue(virtualBytes() - before < allocated / 4,
                "address space grew by " + ((virtualBytes() - before) >> 20) + " MB over " + (allocated >> 20) + " MB freed");
    }

    @Test
    void anAllocationTheKernelRefusesIsAFailedOneNotACrash() throws Throwable {
        // more address space than x86-64 user space has
        MemorySegment buffer = (MemorySegment) ALLOCATE.invokeExact((MemorySegment) BUFFER_TYPE.invokeExact(), 1L << 50);
        assertEquals(MemorySegment.NULL, buffer);
    }

    private static long virtualBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmSize:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        throw new IOException("no VmSize in /proc/self/status");
    }

    private static int resident(MemorySegment memory) throws Throwable {
        long pages = memory.byteSize() / PAGE;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment vector = arena.allocate(pages);
            assertEquals(0, (int) MINCORE.invokeExact(memory, pages * PAGE, vector));
            int count = 0;
            for (long page = 0; page < pages; page++) {
                count += vector.get(JAVA_BYTE, page) & 1;
            }
            return count;
        }
    }
}
