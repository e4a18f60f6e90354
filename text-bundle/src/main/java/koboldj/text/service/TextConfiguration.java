package koboldj.text.service;

import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** The koboldj.text configuration, from the launcher's flags of the same names. */
@ObjectClassDefinition(name = "koboldj text engine")
@interface TextConfiguration {

    /** --model (and --modeldir's files): the GGUF files, one per line, the default first; empty means no text model. */
    String model() default "";

    /** --contextsize: tokens each generation may use. */
    int contextsize() default 4096;

    /** --threads: -1 picks the best for this machine. */
    int threads() default -1;

    /** --blasthreads: 0 uses threads. */
    int blasthreads() default 0;

    /** --batchsize: tokens per decode step. */
    int batchsize() default 512;

    /** --parallel: generations decoded side by side. */
    int parallel() default 4;

    /** --lanes: llama contexts the slots are spread over; 0 picks by model size. */
    int lanes() default 0;

    /** --kvbudget: tokens of KV cache the slots share; 0 picks by the memory a token takes. */
    int kvbudget() default 0;

    /** --multiuser: N > 1 lets N - 1 requests wait; 0 lets none wait; 1 (the default) a generous queue. */
    int multiuser() default 1;

    /** --defaultgenamt: tokens a request generates when it names no max_length. */
    int defaultgenamt() default 512;

    /** --nobostoken: prompts do not start with the model's BOS token. */
    boolean nobostoken() default false;

    /** --nofastforward: every prompt is processed whole, no cached tokens reused (and so no context shift). */
    boolean nofastforward() default false;

    /** --noshift: a prompt trimmed at the front is processed again instead of shifted in the cache. */
    boolean noshift() default false;

    /** --flashattention. */
    boolean flashattention() default false;

    /** --quantkv: 0 f16, 1 q8_0, 2 q4_0 KV cache. */
    int quantkv() default 0;

    /** --ropeconfig: "SCALE BASE"; scale 0 keeps the model's own RoPE. */
    String ropeconfig() default "0.0 10000.0";

    /** --nommap: read the model into memory instead of mapping it. */
    boolean nommap() default false;

    /** --usemlock: lock the model's pages in RAM. */
    boolean usemlock() default false;

    /** --overridekv: KEY=TYPE:VALUE, or empty. */
    String overridekv() default "";

    /** --moeexperts: experts used per token; -1 (or 0) as the GGUF says. */
    int moeexperts() default -1;

    /** --lora: LoRA adapter files (GGUF), one per line, or empty. */
    String lora() default "";

    /** --loramult: the adapters' strength. */
    double loramult() default 1.0;

    /** --draftmodel: a small model with the same vocabulary that drafts tokens for the model to verify; empty for none. */
    String draftmodel() default "";

    /** --draftamount: tokens the draft model proposes per step. */
    int draftamount() default 8;

    /** --quiet. */
    boolean quiet() default false;

    /** koboldj.revision: numbers the configuration, for {@link koboldj.api.text.TextReloads}. */
    long koboldj_revision() default 0;
}
