package koboldj.text.llama;

import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * The LoRA adapters loaded for a model (--lora) and their strength (--loramult). A request's
 * multiplier scales the strength; llama.cpp applies adapters per context, so every sequence a
 * context decodes together runs at one scale.
 */
public final class LoraAdapters {
    public static final LoraAdapters NONE = new LoraAdapters(List.of(), 1f);

    private final List<MemorySegment> adapters;
    private final float strength;

    LoraAdapters(List<MemorySegment> adapters, float strength) {
        this.adapters = List.copyOf(adapters);
        this.strength = strength;
    }

    public boolean isEmpty() {
        return adapters.isEmpty();
    }

    /**
     * Sets the adapters on {@code context} at strength × {@code multiplier}. At scale 0 they are
     * removed rather than added with a zero factor, so the decodes are the base model's, bit for bit.
     */
    public void apply(LlamaContext context, float multiplier) {
        Llama llama = Llama.get();
        float scale = strength * multiplier;
        if (adapters.isEmpty() || scale == 0f) {
            llama.clearAdapters(context.handle());
            return;
        }
        for (MemorySegment adapter : adapters) {
            llama.setAdapter(context.handle(), adapter, scale);
        }
    }
}
