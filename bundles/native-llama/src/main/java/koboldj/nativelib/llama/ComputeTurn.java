package koboldj.nativelib.llama;

/**
 * The one turn in the process to compute products of several tokens (columns) in the copy of
 * llama.cpp and ggml that {@link LlamaLibrary#lookup()} opened. Take it around every
 * {@code llama_decode} of more than one token and every ggml graph compute with such products,
 * and close it when the computation returns:
 *
 * <pre>{@code
 * try (ComputeTurn turn = ComputeTurn.forTokens(batchSize)) {
 *     result = (int) llamaDecode.invokeExact(context, batch);
 * }
 * }</pre>
 *
 * <p>Why, and why single tokens are exempt: see the package documentation.
 *
 * <p>The turn is one lock for the whole JVM, also across revisions of this bundle (each has its
 * own copy of this class, but the library is loaded once): waiting and waking use an interned
 * string, one object in every class loader, and who holds the turn is a system property, which
 * every revision reads. A thread that holds the turn may take it again: the inner turn holds
 * nothing and the outer one still covers the computation. Taking waits without regard to
 * interrupts, as a {@code synchronized} block does, and keeps the thread's interrupt flag.
 * A turn is closed by the thread that took it; closing it again does nothing.
 */
public final class ComputeTurn implements AutoCloseable {
    /** A string literal is one object in the whole JVM: every revision of this class waits on the same monitor. */
    private static final Object MONITOR = "koboldj.native.llama.compute";
    /** The system property naming the thread that holds the turn; absent while the turn is free. */
    static final String HOLDER_PROPERTY = "koboldj.native.llama.compute.holder";
    /** The turn of a computation that needs none, or that an outer turn of its thread covers. */
    private static final ComputeTurn COVERED = new ComputeTurn(null);

    /** The holder this turn made, or null if it holds nothing. Touched by the taking thread only. */
    private String holder;

    private ComputeTurn(String holder) {
        this.holder = holder;
    }

    /** Waits for the turn and takes it; returns at once if this thread holds it already. */
    public static ComputeTurn take() {
        String me = holderName(Thread.currentThread());
        boolean interrupted = false;
        try {
            synchronized (MONITOR) {
                String current = System.getProperty(HOLDER_PROPERTY);
                if (me.equals(current)) {
                    return COVERED;
                }
                while (current != null) {
                    try {
                        MONITOR.wait();
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                    current = System.getProperty(HOLDER_PROPERTY);
                }
                System.setProperty(HOLDER_PROPERTY, me);
                return new ComputeTurn(me);
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * The turn a batch of {@code tokens} tokens needs: {@link #take()} for more than one, none
     * (a turn that holds nothing, at no cost) for a single token.
     */
    public static ComputeTurn forTokens(int tokens) {
        return tokens <= 1 ? COVERED : take();
    }

    /** Whether the calling thread holds the turn. */
    public static boolean isHeldByCurrentThread() {
        return holderName(Thread.currentThread()).equals(System.getProperty(HOLDER_PROPERTY));
    }

    /** Gives the turn back and wakes those waiting for it. */
    @Override
    public void close() {
        if (holder == null) {
            return;
        }
        if (!holder.equals(holderName(Thread.currentThread()))) {
            throw new IllegalStateException("A compute turn is closed by the thread that took it.");
        }
        synchronized (MONITOR) {
            System.clearProperty(HOLDER_PROPERTY);
            MONITOR.notifyAll();
        }
        holder = null;
    }

    /** A thread's id is never reused in a JVM, so it names the holder across class loaders. */
    private static String holderName(Thread thread) {
        return Long.toString(thread.threadId());
    }
}
