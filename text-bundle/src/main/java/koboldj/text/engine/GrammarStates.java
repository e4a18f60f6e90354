package koboldj.text.engine;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

import koboldj.api.error.ApiException;
import koboldj.api.error.ErrorKind;
import koboldj.api.text.GenerationRequest;
import koboldj.text.grammar.GbnfValidator;
import koboldj.text.grammar.GrammarException;
import koboldj.text.llama.GrammarSampler;
import koboldj.text.llama.LlamaException;
import koboldj.text.llama.LlamaModel;

/**
 * Compiles request grammars, and keeps the state of the last one used, as KoboldCpp does: a
 * request with {@code grammar_retain_state} and the same grammar text as the previous request
 * continues from where that grammar stopped instead of starting again at "root"; any other
 * request starts afresh, and replaces what is kept. Thread-safe.
 */
final class GrammarStates implements AutoCloseable {
    /**
     * llama.cpp walks a grammar's rules recursively on the calling thread's stack; compiling and
     * sampling run on threads with this much stack, so that no valid grammar can overflow it.
     */
    static final long NATIVE_STACK = 64L << 20;

    private final LlamaModel model;
    /** The grammar text of the latest request ("" for none), as KoboldCpp's current_grammar. */
    private String current = "";
    /** The state the latest finished generation left its grammar in; null if none or in use. */
    private GrammarSampler kept;
    private String keptGrammar;

    GrammarStates(LlamaModel model) {
        this.model = model;
    }

    /**
     * The constraint for a request, or null if it has no grammar.
     *
     * @throws ApiException BAD_REQUEST naming the field {@code grammar} when it cannot be used
     */
    GrammarConstraint forRequest(GenerationRequest request) {
        String grammar = request.grammar() == null ? "" : request.grammar();
        if (grammar.isBlank()) {
            replaceKept(null, null, "");
            return null;
        }
        synchronized (this) {
            if (request.grammarRetainState() && grammar.equals(current) && grammar.equals(keptGrammar)) {
                GrammarSampler state = kept;
                kept = null;
                keptGrammar = null;
                return new GrammarConstraint(grammar, state, this);
            }
        }
        try {
            GbnfValidator.check(grammar);
        } catch (GrammarException e) {
            throw ApiException.badRequest("grammar", "'grammar': " + e.getMessage());
        }
        GrammarSampler sampler = compile(grammar);
        replaceKept(null, null, grammar);
        return new GrammarConstraint(grammar, sampler, this);
    }

    /** A generation ended: its grammar state is kept for the next request if it is still the current grammar. */
    void finished(GrammarConstraint constraint) {
        synchronized (this) {
            if (constraint.grammar.equals(current)) {
                GrammarSampler old = kept;
                kept = constraint.sampler();
                keptGrammar = constraint.grammar;
                if (old != null) {
                    old.close();
                }
                return;
            }
        }
        constraint.sampler().close();
    }

    private synchronized void replaceKept(GrammarSampler state, String grammar, String latest) {
        if (kept != null) {
            kept.close();
        }
        kept = state;
        keptGrammar = grammar;
        current = latest;
    }

    private GrammarSampler compile(String grammar) {
        FutureTask<GrammarSampler> task = new FutureTask<>(() -> model.grammar(grammar));
        try {
            Thread.ofPlatform().name("koboldj-grammar").stackSize(NATIVE_STACK).start(task).join();
            return task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(ErrorKind.INTERNAL, "Interrupted while compiling the grammar.");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof LlamaException) {
                throw ApiException.badRequest("grammar", "'grammar' was rejected by llama.cpp although its syntax is valid; "
                        + "the usual cause is left recursion: a rule that can reach itself before matching any character.");
            }
            throw new ApiException(ErrorKind.INTERNAL, "The grammar could not be compiled.");
        }
    }

    @Override
    public synchronized void close() {
        replaceKept(null, null, "");
    }
}
