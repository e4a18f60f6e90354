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
 * Gives back the memory of a new context's KV cache, so that it becomes resident as cells are
 * used rather than all at creation. llama.cpp clears the cache it allocates, which writes every
 * page of it: a 4096-token context of a 125M-parameter model held 162 MB from its start, however
 * short the requests. Right after the context is made, the cache is found in memory that was not
 * mapped so before: glibc's header of a chunk with a mapping of its own (as every allocation this
 * large has), whose size is the cache's to within the allocator's slack; pages spread over it are
 * checked to hold the zeros llama.cpp wrote, and all of it is dropped. It reads as zeros again, and
 * a page becomes resident when a cell on it is written. The cache is kept in 4 KB pages: llama.cpp
 * lays a layer's values out cell-minor, so each new cell writes into every value row, and 2 MB pages
 * would make nearly all of it resident again with the first token.
 *
 * <p>Memory is read through {@code /proc/self/mem}, where an address another thread unmaps in the
 * meantime is a read error, not a crash. Nothing is given back unless header, size and samples are
 * as described; a failure is logged and the context kept as it was made.
 */
final class KvCachePages {
    private static final Logger LOG = LoggerFactory.getLogger(KvCachePages.class);
    /** glibc's flag, in a chunk's size word, of a chunk with a mapping of its own. */
    private static final long IS_MMAPPED = 0x2;
    private static final long FLAGS = 0x7;
    /** llama.cpp pads a context's cells to a multiple of this (256 with flash attention). */
    private static final int CELL_PADDING = 256;
    /** Room for the allocator's alignment and header beyond the cache's own bytes. */
    private static final long SLACK = 64 * 1024;
    private static final int SAMPLES = 256;

    private final long smallest;
    private final long largest;
    private final Set<Region> before;

    private KvCachePages(long smallest, long largest, Set<Region> before) {
        this.smallest = smallest;
        this.largest = largest;
        this.before = before;
    }

    /**
     * Makes a context with {@code create} and gives back its KV cache's pages, which take
     * {@code bytesPerToken} for each of {@code cells} (0: not known, nothing is given back).
     */
    static <T> T around(long bytesPerToken, int cells, Path modelFile, Supplier<T> create) {
        if (bytesPerToken <= 0) {
            return create.get();
        }
        dropMapped(modelFile);
        long padded = (cells + CELL_PADDING - 1L) / CELL_PADDING * CELL_PADDING;
        KvCachePages pages;
        try {
            pages = new KvCachePages(bytesPerToken * cells, bytesPerToken * padded + SLACK, Set.copyOf(Region.all()));
        } catch (IOException | RuntimeException e) {
            LOG.debug("cannot read this process's memory map; the KV cache stays resident", e);
            return create.get();
        }
        T made = create.get();
        try {
            long started = System.nanoTime();
            long released = pages.release();
            LOG.debug("{} MB of the new context's cleared KV cache given back in {} ms", released >> 20,
                    (System.nanoTime() - started) / 1_000_000);
        } catch (IOException | RuntimeException e) {
            LOG.debug("the new context's KV cache stays resident", e);
        }
        return made;
    }

    /**
     * Drops this process's resident pages of the model's file mapping before the cache is made, so
     * that the cache's clearing does not count on top of them: they stay in the page cache, and the
     * next decode maps them again. The peak resident size of a start is then the serving one (125M
     * shape: 520-533 MB, against 602-625 MB with the whole cache resident for a moment beside the
     * weights), for ~0.1 s more until the first token.
     */
    private static void dropMapped(Path modelFile) {
        try {
            String path = modelFile.toRealPath().toString();
            for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
                if (line.endsWith(" " + path)) {
                    int dash = line.indexOf('-');
                    int space = line.indexOf(' ');
                    long start = Long.parseUnsignedLong(line, 0, dash, 16);
                    Libc.dropPages(start, Long.parseUnsignedLong(line, dash + 1, space, 16) - start);
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("the model's mapped pages stay resident", e);
        }
    }

    /** Bytes given back: the cache's but its first page (which holds the allocator's header), or 0 if it is not found. */
    private long release() throws IOException {
        try (FileChannel memory = FileChannel.open(Path.of("/proc/self/mem"), StandardOpenOption.READ)) {
            for (Region region : Region.all()) {
                if (before.contains(region) || region.length() < smallest) {
                    continue;
                }
                long chunk = findChunk(memory, region);
                if (chunk != 0) {
                    long length = sizeWord(memory, chunk) & ~FLAGS;
                    if (zeros(memory, chunk + Libc.PAGE, length - Libc.PAGE)) {
                        // small pages first: the dropped huge pages would come back whole
                        Libc.smallPages(chunk + Libc.PAGE, length - Libc.PAGE);
                        Libc.dropPages(chunk + Libc.PAGE, length - Libc.PAGE);
                        return length - Libc.PAGE;
                    }
                    return 0;
                }
            }
        }
        return 0;
    }

    /**
     * The address of a chunk of the cache's size with a mapping of its own within {@code region},
     * or 0. The cache is resident from end to end (llama.cpp cleared it), so only pages that begin
     * that many resident pages are looked at.
     */
    private long findChunk(FileChannel memory, Region region) throws IOException {
        byte[] resident = Libc.resident(region.start(), region.length());
        int needed = (int) (smallest / Libc.PAGE);
        ByteBuffer header = ByteBuffer.allocateDirect(16).order(ByteOrder.nativeOrder());
        int run = 0;
        // counting resident pages backwards gives, at each page, the resident run that begins there
        for (int page = resident.length - 1; page >= 0; page--) {
            run = (resident[page] & 1) != 0 ? run + 1 : 0;
            long address = region.start() + page * Libc.PAGE;
            if (run < needed || !read(memory, address, header)) {
                continue;
            }
            long previous = header.getLong(0);
            long size = header.getLong(8);
            long length = size & ~FLAGS;
            if (previous == 0 && (size & FLAGS) == IS_MMAPPED && length >= smallest && length <= largest
                    && address + length <= region.end()) {
                return address;
            }
        }
        return 0;
    }

    private static long sizeWord(FileChannel memory, long chunk) throws IOException {
        ByteBuffer header = ByteBuffer.allocateDirect(16).order(ByteOrder.nativeOrder());
        if (!read(memory, chunk, header)) {
            throw new IOException("the chunk at " + Long.toHexString(chunk) + " is gone");
        }
        return header.getLong(8);
    }

    /**
     * Whether pages spread over the range (its first and last, and {@link #SAMPLES} between) read
     * as zeros: what the header and size already say, checked where reading all of it would cost a
     * start ~0.1 s.
     */
    private static boolean zeros(FileChannel memory, long address, long length) throws IOException {
        ByteBuffer page = ByteBuffer.allocateDirect((int) Libc.PAGE);
        ByteBuffer zero = ByteBuffer.allocateDirect((int) Libc.PAGE);
        long pages = length / Libc.PAGE;
        for (long sample = 0; sample <= SAMPLES; sample++) {
            long at = address + Math.min(pages - 1, sample * pages / SAMPLES) * Libc.PAGE;
            if (!read(memory, at, page) || page.flip().mismatch(zero.clear()) >= 0) {
                return false;
            }
        }
        return true;
    }

    /** Fills {@code buffer} from {@code address}; false if that memory cannot be read (unmapped meanwhile). */
    private static boolean read(FileChannel memory, long address, ByteBuffer buffer) throws IOException {
        buffer.clear();
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

    /** A private anonymous read-write mapping of this process, as /proc/self/maps lists it. */
    record Region(long start, long end) {
        long length() {
            return end - start;
        }

        static List<Region> all() throws IOException {
            List<Region> regions = new ArrayList<>();
            for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
                String[] fields = line.strip().split("\\s+");
                // start-end perms offset device inode [path]: anonymous ones have inode 0 and no path
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
