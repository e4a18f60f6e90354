package koboldj.text.llama;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives back the pages of a new llama context's graph metadata that hold nothing but the zeros
 * llama.cpp wrote: b4916 zeroes a buffer of ~28 MB for it (room for 65,536 graph nodes) of which a
 * decode's graph uses the front, so each context would keep ~26 MB resident for nothing (the KV
 * cache needs no such help: the native library's CPU buffers are not written when cleared). Right
 * after the context is made, the buffer is found in memory that was not mapped so before: glibc's
 * header of a chunk with a mapping of its own (bin/koboldj keeps every allocation this large in
 * one), whose size is the buffer's to within the allocator's slack. Its pages are read and the
 * zero ones dropped: they read as zeros again, and a page becomes resident when it is written.
 *
 * <p>Memory is read through {@code /proc/self/mem}, where an address another thread unmaps in the
 * meantime is a read error, not a crash. Nothing is given back unless header and size are as
 * described; a failure is logged and the context kept as it was made.
 */
final class ContextPages {
    private static final Logger LOG = LoggerFactory.getLogger(ContextPages.class);
    /** glibc's flag, in a chunk's size word, of a chunk with a mapping of its own. */
    private static final long IS_MMAPPED = 0x2;
    private static final long FLAGS = 0x7;
    /** Room for the allocator's alignment and header beyond the buffer's own bytes. */
    private static final long SLACK = 64 * 1024;
    private static final int BLOCK = 1 << 20;

    private final long smallest;
    private final Set<Region> before;

    private ContextPages(long smallest, Set<Region> before) {
        this.smallest = smallest;
        this.before = before;
    }

    /** Makes a context with {@code create} and gives back the zero pages of its graph metadata, of {@code graphMetadataBytes}. */
    static <T> T around(long graphMetadataBytes, Supplier<T> create) {
        ContextPages pages;
        try {
            pages = new ContextPages(graphMetadataBytes, Set.copyOf(Region.anonymous()));
        } catch (IOException | RuntimeException e) {
            LOG.debug("cannot read this process's memory map; the new context stays resident", e);
            return create.get();
        }
        T made = create.get();
        try {
            long started = System.nanoTime();
            long released = pages.release();
            LOG.debug("{} MB of the new context's graph metadata given back in {} ms", released >> 20,
                    (System.nanoTime() - started) / 1_000_000);
        } catch (IOException | RuntimeException e) {
            LOG.debug("the new context stays resident", e);
        }
        return made;
    }

    /** Bytes given back, the chunk's first page (which holds the allocator's header) kept. */
    private long release() throws IOException {
        try (FileChannel memory = FileChannel.open(Path.of("/proc/self/mem"), StandardOpenOption.READ)) {
            for (Region region : Region.anonymous()) {
                if (before.contains(region)) {
                    continue;
                }
                Chunk chunk = findChunk(memory, region);
                if (chunk != null) {
                    return dropZeroPages(memory, chunk.address() + Libc.PAGE, chunk.length() - Libc.PAGE);
                }
            }
        }
        // e.g. a llama.cpp whose sizes differ from b4916's
        LOG.debug("the new context's graph metadata was not found; it stays resident");
        return 0;
    }

    /**
     * The metadata's chunk within {@code region}, null if none. The buffer is resident
     * from end to end (llama.cpp zeroed it), so only pages that begin that many resident pages are
     * looked at. Chunks mapped one after another share a mapping, so the walk goes from a chunk's
     * header to the page its size points at: a header read per chunk rather than per page (a
     * page-by-page search read ~36,000 headers, 8-200 ms, in the 125M shape's).
     */
    private Chunk findChunk(FileChannel memory, Region region) throws IOException {
        if (region.length() < smallest) {
            return null;
        }
        byte[] resident = Libc.resident(region.start(), region.length());
        // at each page, the resident run that begins there
        int[] run = new int[resident.length + 1];
        for (int page = resident.length - 1; page >= 0; page--) {
            run[page] = (resident[page] & 1) != 0 ? run[page + 1] + 1 : 0;
        }
        int needed = (int) (smallest / Libc.PAGE);
        int page = 0;
        while (page < resident.length) {
            if (run[page] < needed) {
                page += Math.max(1, run[page]); // no page of a shorter run begins a buffer this large
                continue;
            }
            long address = region.start() + page * Libc.PAGE;
            long length = chunkLength(memory, address);
            if (length < Libc.PAGE || length % Libc.PAGE != 0 || length > (resident.length - page) * Libc.PAGE) {
                page++;
                continue;
            }
            if (length >= smallest && length <= smallest + SLACK && (long) run[page] * Libc.PAGE >= length) {
                return new Chunk(address, length);
            }
            page += (int) (length / Libc.PAGE);
        }
        return null;
    }

    private record Chunk(long address, long length) {
    }

    /** The length of the mapped chunk whose header is at {@code address}, 0 if none is. */
    private static long chunkLength(FileChannel memory, long address) throws IOException {
        ByteBuffer header = ByteBuffer.allocateDirect(16).order(ByteOrder.nativeOrder());
        return read(memory, address, header) && header.getLong(0) == 0 && (header.getLong(8) & FLAGS) == IS_MMAPPED
                ? header.getLong(8) & ~FLAGS : 0;
    }

    /** Drops the runs of pages of the range that read as zeros; the bytes dropped. */
    private static long dropZeroPages(FileChannel memory, long address, long length) throws IOException {
        ByteBuffer block = ByteBuffer.allocateDirect(BLOCK);
        ByteBuffer zero = ByteBuffer.allocateDirect((int) Libc.PAGE);
        long dropped = 0;
        long runStart = -1;
        for (long at = 0; at < length; at += BLOCK) {
            int size = (int) Math.min(BLOCK, length - at);
            block.clear().limit(size);
            if (!read(memory, address + at, block)) {
                return dropped;
            }
            for (int offset = 0; offset < size; offset += (int) Libc.PAGE) {
                boolean zeros = block.slice(offset, (int) Libc.PAGE).mismatch(zero.clear()) < 0;
                long page = address + at + offset;
                if (zeros && runStart < 0) {
                    runStart = page;
                } else if (!zeros && runStart >= 0) {
                    dropped += drop(runStart, page - runStart);
                    runStart = -1;
                }
            }
        }
        if (runStart >= 0) {
            dropped += drop(runStart, address + length - runStart);
        }
        return dropped;
    }

    private static long drop(long address, long length) {
        // small pages first: dropped huge pages would come back whole
        Libc.smallPages(address, length);
        Libc.dropPages(address, length);
        return length;
    }

    /** Fills {@code buffer} from {@code address}; false if that memory cannot be read (unmapped meanwhile). */
    private static boolean read(FileChannel memory, long address, ByteBuffer buffer) throws IOException {
        buffer.position(0);
        try {
            while (buffer.hasRemaining()) {
                if (memory.read(buffer, address + buffer.position()) <= 0) {
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().contains("Input/output error")) {
                return false;
            }
            throw e;
        }
    }

    /** A private, writable anonymous mapping of this process, as /proc/self/maps lists it. */
    record Region(long start, long end) {
        long length() {
            return end - start;
        }

        static List<Region> anonymous() throws IOException {
            List<Region> regions = new ArrayList<>();
            for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
                // start-end perms offset device inode [path]: anonymous memory has inode 0 and no path
                String[] fields = line.strip().split("\\s+", 6);
                if (fields.length == 5 && fields[1].equals("rw-p") && fields[4].equals("0")) {
                    int dash = fields[0].indexOf('-');
                    regions.add(new Region(Long.parseUnsignedLong(fields[0], 0, dash, 16),
                            Long.parseUnsignedLong(fields[0], dash + 1, fields[0].length(), 16)));
                }
            }
            return regions;
        }
    }
}
