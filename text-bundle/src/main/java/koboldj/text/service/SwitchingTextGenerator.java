package koboldj.text.service;

import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;

import koboldj.api.error.ApiException;
import koboldj.api.error.ErrorKind;
import koboldj.api.model.ModelDescriptor;
import koboldj.api.text.ContextSnapshots;
import koboldj.api.text.EngineStats;
import koboldj.api.text.Generation;
import koboldj.api.text.GenerationListener;
import koboldj.api.text.GenerationRequest;
import koboldj.api.text.TextGenerator;
import koboldj.api.text.Tokenizer;
import koboldj.config.StartupStages;
import koboldj.text.engine.TextEngine;

/**
 * The one text service the resources bind to, in front of whichever engine is current. Switching
 * models swaps the engine behind it, so resources (and requests streaming through them) stay in
 * place; generations of the engine being retired can still be found by their genkey.
 */
final class SwitchingTextGenerator implements TextGenerator, ContextSnapshots {
    private volatile TextEngine current;
    private volatile TextEngine retiring;

    /** Makes {@code next} current; returns the engine it replaces, which is still findable until retired. */
    TextEngine switchTo(TextEngine next) {
        TextEngine previous = current;
        retiring = previous;
        current = next;
        return previous;
    }

    void retired(TextEngine engine) {
        if (retiring == engine) {
            retiring = null;
        }
    }

    private TextEngine engine() {
        TextEngine engine = current;
        if (engine == null) {
            throw new ApiException(ErrorKind.CAPABILITY_MISSING, "No text model is loaded.");
        }
        return engine;
    }

    @Override
    public ModelDescriptor model() {
        return engine().model();
    }

    @Override
    public Tokenizer tokenizer() {
        return engine().tokenizer();
    }

    @Override
    public int maxContextLength() {
        return engine().maxContextLength();
    }

    @Override
    public int defaultMaxLength() {
        return engine().defaultMaxLength();
    }

    @Override
    public int parallelSlots() {
        return engine().parallelSlots();
    }

    @Override
    public Generation submit(GenerationRequest request, GenerationListener listener) {
        return engine().submit(request, timed(listener));
    }

    @Override
    public List<Generation> submitChoices(List<GenerationRequest> requests, IntFunction<GenerationListener> listeners) {
        return engine().submitChoices(requests, choice -> timed(listeners.apply(choice)));
    }

    /** For {@code --debug}: the first request and its first text are start-up stages. */
    private static GenerationListener timed(GenerationListener listener) {
        if (!StartupStages.enabled()) {
            return listener;
        }
        StartupStages.reachedFirst("first generation request submitted");
        return piece -> {
            StartupStages.reachedFirst("first generated text handed to the HTTP side");
            listener.onText(piece);
        };
    }

    @Override
    public Optional<Generation> find(String genkey) {
        Optional<Generation> found = engine().find(genkey);
        TextEngine old = retiring;
        return found.isPresent() || old == null ? found : old.find(genkey);
    }

    @Override
    public Optional<Generation> latest() {
        Optional<Generation> found = engine().latest();
        TextEngine old = retiring;
        return found.isPresent() || old == null ? found : old.latest();
    }

    @Override
    public EngineStats stats() {
        return engine().stats();
    }

    @Override
    public Report check() {
        return engine().check();
    }

    @Override
    public Size save(int slot) {
        return engine().save(slot);
    }

    @Override
    public int load(int slot) {
        return engine().load(slot);
    }

    @Override
    public void clear() {
        engine().clear();
    }
}
