package koboldj.image.nn;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import koboldj.image.ggml.Ggml;

/**
 * Keeps the weights ggml reads in place from the mapped checkpoint out of resident memory except while a graph reads
 * them: after each node computes, the pages of the weights no later node reads are dropped. The page cache keeps them,
 * so the next computation maps them back without touching the disk. A UNet step then holds a few layers' weights
 * rather than all of them (1.6 GB for SD 1.5 in f16), for the price of mapping the pages again each step (about a
 * second of CPU time per GB). The pages are dropped on a thread of the paging's own: ggml calls the hook on its first
 * compute thread, and an madvise there would hold every other thread at the node's barrier. Not thread-safe: one
 * computation at a time, as {@link StableDiffusion} runs them.
 */
final class WeightPaging implements AutoCloseable {
    private final Weights weights;
    private final MemorySegment backend;
    /** The computing graph's weights by the node that reads them last; null between computations. */
    private MemorySegment[][] lastReads;
    private int nodesDone;
    private int released;
    /** Weights whose pages can go, for {@link #pager} to drop. */
    private final BlockingQueue<MemorySegment[]> releasable = new LinkedBlockingQueue<>();
    private final Thread pager;

    /** Makes {@code backend} drop {@code weights}' pages as its graphs go; {@code arena} must outlive the backend. */
    WeightPaging(Weights weights, MemorySegment backend, Arena arena) {
        this.weights = weights;
        this.backend = backend;
        Ggml.afterEachNode(backend, this::nodeDone, arena);
        this.pager = Thread.ofPlatform().daemon().name("koboldj-image-pager").start(this::dropReleasable);
    }

    /** Computes {@code graph} on the backend; afterwards no in-place weight is resident. */
    float[] compute(Graph graph) {
        lastReads = graph.lastReads(weights);
        nodesDone = 0;
        released = 0;
        try {
            return graph.compute(backend);
        } finally {
            lastReads = null;
            weights.releasePages();
        }
    }

    /**
     * ggml calls this on its first thread after that thread finished a node, while the others may still work on it:
     * every thread is past the node before, so the weights read last up to that one can go.
     */
    private void nodeDone() {
        if (lastReads != null) {
            nodesDone++;
            releaseBefore(nodesDone - 1);
        }
    }

    private void releaseBefore(int node) {
        for (int end = Math.min(node, lastReads.length); released < end; released++) {
            if (lastReads[released].length > 0) {
                releasable.add(lastReads[released]);
            }
        }
    }

    private void dropReleasable() {
        try {
            while (true) {
                for (MemorySegment weight : releasable.take()) {
                    try {
                        weight.unload();
                    } catch (RuntimeException e) {
                        // dropping pages only saves memory; the next weights are still worth dropping
                    }
                }
            }
        } catch (InterruptedException e) {
            // closed
        }
    }

    /** Stops the pager; before the weights' file is closed, as a late drop would touch a closed mapping. */
    @Override
    public void close() {
        pager.interrupt();
        try {
            pager.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
