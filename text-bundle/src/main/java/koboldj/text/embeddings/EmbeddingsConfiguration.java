package koboldj.text.embeddings;

import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** The koboldj.embeddings configuration, from the launcher's flags of the same names. */
@ObjectClassDefinition(name = "koboldj embeddings")
@interface EmbeddingsConfiguration {

    /** --embeddingsmodel: the GGUF file; empty means the text model embeds. */
    String embeddingsmodel() default "";

    /** --model: the text models, one per line; the first (the default) embeds when no embeddings model is given. */
    String model() default "";

    /** --embeddingsmaxctx: tokens per input; 0 means the model's trained context, at most {@value EmbeddingModelService#DEFAULT_MAX_CONTEXT}. */
    int embeddingsmaxctx() default 0;

    /** --threads: -1 picks for this machine. */
    int threads() default -1;

    /** --blasthreads: threads for a batch of tokens, which is all an embedding decodes; 0 uses threads. */
    int blasthreads() default 0;
}
