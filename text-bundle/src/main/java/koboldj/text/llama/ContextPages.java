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
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives back the pages of a new llama context that hold nothing but the zeros llama.cpp wrote, so
 * that its memory becomes resident as it is used rather than all at creation. llama.cpp clears the
 * KV cache it allocates, which writes every page of it (a 4096-token context of a 125M-parameter
 * model held 162 MB from its start, however short the requests), and zeroes a graph-metadata
 * buffer of ~28 MB of which a decode's graph uses the front. Right after the context is made, each
 * is found in memory that was not mapped so before: glibc's header of a chunk with a mapping of its
 * own (as every allocation this large has), whose size is the expected one to within the
 * allocator's slack. The cache, zeroed whole, is checked at pages spread over it and dropped whole;
 * the metadata buffer is read and its zero pages dropped. They read as zeros again, and a page
 * becomes resident when it is written. Both are kept in 4 KB pages: llama.cpp lays a layer's values
 * out cell-minor, so each new cell writes into every value row, and 2 MB pages would make nearly
 * all of the cache resident again with the first token.
 *
 * <p>Memory is read through {@code /proc/self/mem}, where an address another thread unmaps in the
 * meantime is a read error, not a crash. Nothing is given back unless header, size and contents are
 * as described; a failure is logged and the context kept as it was made.
 */
final class ContextPages {
    private static final Logger LOG = LoggerFactory.getLogger(ContextPages.class);
    /** glibc's flag, in a chunk's size word, of a chunk with a mapping of its own. */
    private static final long IS_MMAPPED = 0x2;
    private static final long FLAGS = 0x7;
    /** llama.cpp pads a context's cells to a multiple of this (256 with flash attention). */
    private static final int CELL_PADDING = 256;
    /** Room for the allocator's alignment and header beyond the buffer's own bytes. */
    private static final long SLACK = 64 * 1024;
    private static final int SAMPLES = 256;
    private static final int BLOCK = 1 << 20;

    /** A buffer the new context zeroed: its size bounds, and whether all of it is zeros (else its zero pages are found). */
    private record Zeroed(String what, long smallest, long largest, boolean whole) {
    }

    private final List<Zeroed> expected;
    private final Set<Region> before;

    private ContextPages(List<Zeroed> expected, Set<Region> before) {
        this.expected = expected;
        this.before = before;
    }

    /**
     * Makes a context with {@code create} and gives back the zeroed pages of its KV cache, which
     * takes {@code bytesPerToken} for each of {@code cells} (0: not known, the cache is not looked
     * for), and of its graph metadata, of {@code graphMetadataBytes}.
     */
    static <T> T around(long bytesPerToken, int cells, long graphMetadataBytes, Path modelFile, Supplier<T> create) {
        List<Zeroed> expected = new ArrayList<>();
        if (bytesPerToken > 0) {
            long padded = (cells + CELL_PADDING - 1L) / CELL_PADDING * CELL_PADDING;
            expected.add(new Zeroed("KV cache", bytesPerToken * cells, bytesPerToken * padded + SLACK, true));
        }
        expected.add(new Zeroed("graph metadata", graphMetadataBytes, graphMetadataBytes + SLACK, false));
        ContextPages pages;
        try {
            List<Region> regions = Region.all();
            dropMapped(regions, modelFile);
            pages = new ContextPages(expected, regions.stream().filter(Region::anonymous).collect(Collectors.toUnmodifiableSet()));
        } catch (IOException | RuntimeException e) {
            LOG.debug("cannot read this process's memory map; the new context stays resident", e);
            return create.get();
        }
        T made = create.get();
        try {
            long started = System.nanoTime();
            long released = pages.release();
            LOG.debug("{} MB of the new context's zeroed memory given back in {} ms", released >> 20,
                    (System.nanoTime() - started) / 1_000_000);
        } catch (IOException | RuntimeException e) {
            LOG.debug("the new context stays resident", e);
        }
        return made;
    }

    /**
     * Drops this process's resident pages of the model's file mapping before the context is made,
     * so that the cache's clearing does not count on top of them: they stay in the page cache, and
     * the next decode maps them again. The peak resident size of a start is then the serving one
     * (125M shape: 520-533 MB, against 602-625 MB with the whole cache resident for a moment beside
     * the weights), for ~0.1 s more until the first token.
     */
    private static void dropMapped(List<Region> regions, Path modelFile) {
        try {
            String path = modelFile.toRealPath().toString();
            for (Region region : regions) {
                if (region.path().equals(path)) {
                    Libc.dropPages(region.start(), region.length());
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("the model's mapped pages stay resident", e);
        }
    }

    /** Bytes given back, the chunks' first pages (which hold the allocator's headers) kept. */
    private long release() throws IOException {
        long released = 0;
        List<Zeroed> missing = new ArrayList<>(expected);
        try (FileChannel memory = FileChannel.open(Path.of("/proc/self/mem"), StandardOpenOption.READ)) {
            for (Region region : Region.all()) {
                if (missing.isEmpty()) {
                    break;
                }
                if (!region.anonymous() || before.contains(region)) {
                    continue;
                }
                for (Chunk chunk : findChunks(memory, region, missing)) {
                    missing.remove(chunk.kind());
                    long from = chunk.address() + Libc.PAGE;
                    long length = chunk.length() - Libc.PAGE;
                    if (chunk.kind().whole()) {
                        if (sampledZeros(memory, from, length)) {
                            released += drop(from, length);
                        }
                    } else {
                        released += dropZeroPages(memory, from, length);
                    }
                }
            }
        }
        for (Zeroed kind : missing) {
            // e.g. a buffer glibc placed on its heap, or a llama.cpp whose sizes differ from b4916's
            LOG.debug("the new context's {} was not found; it stays resident", kind.what());
        }
        return released;
    }

    private record Chunk(Zeroed kind, long address, long length) {
    }

    /**
     * The chunks of {@code wanted} kinds, with mappings of their own, within {@code region}. Each
     * buffer is resident from end to end (llama.cpp zeroed it), so only pages that begin that many
     * resident pages are looked at. Chunks mapped one after another share a mapping, so the walk
     * goes from a chunk's header to the page its size points at: a header read per chunk rather
     * than per page (a page-by-page search read ~36,000 headers, 8-200 ms, in the 125M shape's).
     */
    private static List<Chunk> findChunks(FileChannel memory, Region region, List<Zeroed> wanted) throws IOException {
        long smallest = wanted.stream().mapToLong(Zeroed::smallest).min().orElseThrow();
        List<Chunk> found = new ArrayList<>();
        if (region.length() < smallest) {
            return found;
        }
        byte[] resident = Libc.resident(region.start(), region.length());
        // at each page, the resident run that begins there
        int[] run = new int[resident.length + 1];
        for (int page = resident.length - 1; page >= 0; page--) {
            run[page] = (resident[page] & 1) != 0 ? run[page + 1] + 1 : 0;
        }
        int needed = (int) (smallest / Libc.PAGE);
        ByteBuffer header = ByteBuffer.allocateDirect(16).order(ByteOrder.nativeOrder());
        int page = 0;
        while (page < resident.length && found.size() < wanted.size()) {
            if (run[page] < needed) {
                page += Math.max(1, run[page]); // no page of a shorter run begins a buffer this large
                continue;
            }
            long address = region.start() + page * Libc.PAGE;
            long length = read(memory, address, header) && header.getLong(0) == 0
                    && (header.getLong(8) & FLAGS) == IS_MMAPPED ? header.getLong(8) & ~FLAGS : 0;
            if (length < Libc.PAGE || length % Libc.PAGE != 0 || length > (resident.length - page) * Libc.PAGE) {
                page++;
                continue;
            }
            for (Zeroed kind : wanted) {
                if (length >= kind.smallest() && length <= kind.largest() && (long) run[page] * Libc.PAGE >= length
                        && found.stream().noneMatch(chunk -> chunk.kind() == kind)) {
                    found.add(new Chunk(kind, address, length));
                    break;
                }
            }
            page += (int) (length / Libc.PAGE);
        }
        return found;
    }

    /** Whether pages spread over the range (its first and last, and {@link #SAMPLES} between) read as zeros. */
    private static boolean sampledZeros(FileChannel memory, long address, long length) throws IOException {
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

    /**
     * A mapping of this process, as /proc/self/maps lists it: {@code path} is the file's, empty for
     * anonymous memory; {@code anonymous} for private, writable anonymous memory.
     */
    record Region(long start, long end, boolean anonymous, String path) {
        long length() {
            return end - start;
        }

        static List<Region> all() throws IOException {
            List<Region> regions = new ArrayList<>();
            for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
                // start-end perms offset device inode [path]: anonymous memory has inode 0 and no path
                String[] fields = line.strip().split("\\s+", 6);
                String path = fields.length == 6 ? fields[5] : "";
                int dash = fields[0].indexOf('-');
                regions.add(new Region(Long.parseUnsignedLong(fields[0], 0, dash, 16),
                        Long.parseUnsignedLong(fields[0], dash + 1, fields[0].length(), 16),
                        fields[1].equals("rw-p") && fields[4].equals("0") && path.isEmpty(), path));
            }
            return regions;
        }
    }
}
