package koboldj.text.llama;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.function.BiConsumer;

import koboldj.nativelib.llama.ComputeTurn;
import koboldj.nativelib.llama.LlamaLibrary;

/**
 * The llama.h C API of llama.cpp tag b4916, bound with java.lang.foreign: the only class that
 * calls native llama code. Struct layouts were compiled and checked against the shipped library
 * (x86_64 Linux); a wrong offset would corrupt memory silently, so every layout names each field.
 *
 * <p>Callers pass only validated arguments: llama.cpp aborts the process on a batch larger than
 * n_batch and throws an uncatchable C++ exception for a token id outside the vocabulary.
 * Model-level calls are thread-safe; context-level calls belong to the context's one thread.
 */
public final class Llama {
    /** {@code struct llama_model_params}, 64 bytes. */
    static final StructLayout MODEL_PARAMS = MemoryLayout.structLayout(
            ADDRESS.withName("devices"),
            JAVA_INT.withName("n_gpu_layers"),
            JAVA_INT.withName("split_mode"),
            JAVA_INT.withName("main_gpu"),
            MemoryLayout.paddingLayout(4),
            ADDRESS.withName("tensor_split"),
            ADDRESS.withName("progress_callback"),
            ADDRESS.withName("progress_callback_user_data"),
            ADDRESS.withName("kv_overrides"),
            JAVA_BOOLEAN.withName("vocab_only"),
            JAVA_BOOLEAN.withName("use_mmap"),
            JAVA_BOOLEAN.withName("use_mlock"),
            JAVA_BOOLEAN.withName("check_tensors"),
            MemoryLayout.paddingLayout(4));

    /** {@code struct llama_context_params}, 120 bytes. */
    static final StructLayout CONTEXT_PARAMS = MemoryLayout.structLayout(
            JAVA_INT.withName("n_ctx"),
            JAVA_INT.withName("n_batch"),
            JAVA_INT.withName("n_ubatch"),
            JAVA_INT.withName("n_seq_max"),
            JAVA_INT.withName("n_threads"),
            JAVA_INT.withName("n_threads_batch"),
            JAVA_INT.withName("rope_scaling_type"),
            JAVA_INT.withName("pooling_type"),
            JAVA_INT.withName("attention_type"),
            JAVA_FLOAT.withName("rope_freq_base"),
            JAVA_FLOAT.withName("rope_freq_scale"),
            JAVA_FLOAT.withName("yarn_ext_factor"),
            JAVA_FLOAT.withName("yarn_attn_factor"),
            JAVA_FLOAT.withName("yarn_beta_fast"),
            JAVA_FLOAT.withName("yarn_beta_slow"),
            JAVA_INT.withName("yarn_orig_ctx"),
            JAVA_FLOAT.withName("defrag_thold"),
            MemoryLayout.paddingLayout(4),
            ADDRESS.withName("cb_eval"),
            ADDRESS.withName("cb_eval_user_data"),
            JAVA_INT.withName("type_k"),
            JAVA_INT.withName("type_v"),
            JAVA_BOOLEAN.withName("logits_all"),
            JAVA_BOOLEAN.withName("embeddings"),
            JAVA_BOOLEAN.withName("offload_kqv"),
            JAVA_BOOLEAN.withName("flash_attn"),
            JAVA_BOOLEAN.withName("no_perf"),
            MemoryLayout.paddingLayout(3),
            ADDRESS.withName("abort_callback"),
            ADDRESS.withName("abort_callback_data"));

    /** {@code struct llama_batch}, 56 bytes. */
    static final StructLayout BATCH = MemoryLayout.structLayout(
            JAVA_INT.withName("n_tokens"),
            MemoryLayout.paddingLayout(4),
            ADDRESS.withName("token"),
            ADDRESS.withName("embd"),
            ADDRESS.withName("pos"),
            ADDRESS.withName("n_seq_id"),
            ADDRESS.withName("seq_id"),
            ADDRESS.withName("logits"));

    /** {@code llama_token_data}, 12 bytes: one candidate of a {@code llama_token_data_array}. */
    static final StructLayout TOKEN_DATA = MemoryLayout.structLayout(
            JAVA_INT.withName("id"),
            JAVA_FLOAT.withName("logit"),
            JAVA_FLOAT.withName("p"));

    /** {@code struct llama_token_data_array}, 32 bytes. */
    static final StructLayout TOKEN_DATA_ARRAY = MemoryLayout.structLayout(
            ADDRESS.withName("data"),
            JAVA_LONG.withName("size"),
            JAVA_LONG.withName("selected"),
            JAVA_BOOLEAN.withName("sorted"),
            MemoryLayout.paddingLayout(7));

    /** {@code struct llama_sampler}, 16 bytes: the interface table and the sampler's own state. */
    static final StructLayout SAMPLER = MemoryLayout.structLayout(
            ADDRESS.withName("iface"),
            ADDRESS.withName("ctx"));

    /**
     * The state of llama.cpp's grammar sampler ({@code struct llama_sampler_grammar} in
     * llama-sampling.cpp, private): the vocabulary, the grammar text and root name, and the
     * compiled grammar, NULL when parsing failed. The shipped library is built with the pre-C++11
     * libstdc++ ABI (Red Hat devtoolset), where a {@code std::string} is one pointer to its
     * characters, preceded by length, capacity and reference count (seen in memory). Read only to
     * detect a failed parse, after checking that the text at its place is the grammar given.
     */
    static final StructLayout GRAMMAR_SAMPLER_STATE = MemoryLayout.structLayout(
            ADDRESS.withName("vocab"),
            ADDRESS.withName("grammar_str"),
            ADDRESS.withName("grammar_root"),
            ADDRESS.withName("grammar"));
    /** Where a pre-C++11 {@code std::string}'s length sits, before its characters. */
    static final long COW_STRING_LENGTH = -24;

    static final long TOKEN_DATA_LOGIT = offset(TOKEN_DATA, "logit");
    static final long ARRAY_DATA = offset(TOKEN_DATA_ARRAY, "data");
    static final long ARRAY_SIZE = offset(TOKEN_DATA_ARRAY, "size");
    static final long ARRAY_SELECTED = offset(TOKEN_DATA_ARRAY, "selected");
    static final long ARRAY_SORTED = offset(TOKEN_DATA_ARRAY, "sorted");
    static final long SAMPLER_CTX = offset(SAMPLER, "ctx");
    static final long GRAMMAR_STATE_VOCAB = offset(GRAMMAR_SAMPLER_STATE, "vocab");
    static final long GRAMMAR_STATE_TEXT = offset(GRAMMAR_SAMPLER_STATE, "grammar_str");
    static final long GRAMMAR_STATE_GRAMMAR = offset(GRAMMAR_SAMPLER_STATE, "grammar");

    static final long MODEL_PARAMS_USE_MMAP = MODEL_PARAMS.byteOffset(MemoryLayout.PathElement.groupElement("use_mmap"));
    static final long MODEL_PARAMS_VOCAB_ONLY = MODEL_PARAMS.byteOffset(MemoryLayout.PathElement.groupElement("vocab_only"));
    static final long MODEL_PARAMS_KV_OVERRIDES = MODEL_PARAMS.byteOffset(MemoryLayout.PathElement.groupElement("kv_overrides"));
    static final long MODEL_PARAMS_USE_MLOCK = MODEL_PARAMS.byteOffset(MemoryLayout.PathElement.groupElement("use_mlock"));
    static final long MODEL_PARAMS_PROGRESS = MODEL_PARAMS.byteOffset(MemoryLayout.PathElement.groupElement("progress_callback"));
    static final long BATCH_N_TOKENS = offset(BATCH, "n_tokens");
    static final long CTX_N_CTX = offset(CONTEXT_PARAMS, "n_ctx");
    static final long CTX_N_BATCH = offset(CONTEXT_PARAMS, "n_batch");
    static final long CTX_N_UBATCH = offset(CONTEXT_PARAMS, "n_ubatch");
    static final long CTX_N_SEQ_MAX = offset(CONTEXT_PARAMS, "n_seq_max");
    static final long CTX_N_THREADS = offset(CONTEXT_PARAMS, "n_threads");
    static final long CTX_N_THREADS_BATCH = offset(CONTEXT_PARAMS, "n_threads_batch");
    static final long CTX_EMBEDDINGS = offset(CONTEXT_PARAMS, "embeddings");
    static final long CTX_POOLING = offset(CONTEXT_PARAMS, "pooling_type");
    static final long CTX_NO_PERF = offset(CONTEXT_PARAMS, "no_perf");
    static final long CTX_DEFRAG_THOLD = offset(CONTEXT_PARAMS, "defrag_thold");
    static final long CTX_ROPE_FREQ_BASE = offset(CONTEXT_PARAMS, "rope_freq_base");
    static final long CTX_ROPE_FREQ_SCALE = offset(CONTEXT_PARAMS, "rope_freq_scale");
    static final long CTX_TYPE_K = offset(CONTEXT_PARAMS, "type_k");
    static final long CTX_TYPE_V = offset(CONTEXT_PARAMS, "type_v");
    static final long CTX_FLASH_ATTN = offset(CONTEXT_PARAMS, "flash_attn");

    /** ggml_log_level values. */
    static final int LOG_DEBUG = 1;
    static final int LOG_INFO = 2;
    static final int LOG_WARN = 3;
    static final int LOG_ERROR = 4;
    static final int LOG_CONTINUE = 5;

    private static Llama instance;

    private final MethodHandle backendInit;
    private final MethodHandle logSet;
    private final MethodHandle modelDefaultParams;
    private final MethodHandle modelLoadFromFile;
    private final MethodHandle modelFree;
    private final MethodHandle modelGetVocab;
    private final MethodHandle modelNCtxTrain;
    private final MethodHandle modelNEmbd;
    private final MethodHandle modelSize;
    private final MethodHandle modelNParams;
    private final MethodHandle modelDesc;
    private final MethodHandle modelMetaValStr;
    private final MethodHandle modelChatTemplate;
    private final MethodHandle adapterLoraInit;
    private final MethodHandle setAdapterLora;
    private final MethodHandle clearAdapterLora;
    private final MethodHandle contextDefaultParams;
    private final MethodHandle initFromModel;
    private final MethodHandle free;
    private final MethodHandle decode;
    private final MethodHandle getLogitsIth;
    private final MethodHandle getEmbeddingsIth;
    private final MethodHandle poolingType;
    private final MethodHandle modelIsRecurrent;
    private final MethodHandle modelHasEncoder;
    private final MethodHandle kvDefrag;
    private final MethodHandle kvUpdate;
    private final MethodHandle kvUsedCells;
    private final MethodHandle tokenize;
    private final MethodHandle tokenToPiece;
    private final MethodHandle vocabNTokens;
    private final MethodHandle vocabBos;
    private final MethodHandle vocabEos;
    private final MethodHandle vocabIsEog;
    private final MethodHandle kvSeqRm;
    private final MethodHandle kvSeqCp;
    private final MethodHandle kvSeqAdd;
    private final MethodHandle stateSeqGetSize;
    private final MethodHandle stateSeqGetData;
    private final MethodHandle stateSeqSetData;
    private final MethodHandle setNThreads;
    private final MethodHandle samplerInitGrammar;
    private final MethodHandle samplerApply;
    private final MethodHandle samplerAccept;
    private final MethodHandle samplerFree;
    private final long graphMetadataBytes;

    private volatile BiConsumer<Integer, String> logSink = (level, text) -> { };

    private Llama(SymbolLookup library) {
        Linker linker = Linker.nativeLinker();
        Binder b = new Binder(linker, library);
        // for short calls that never log (a log line is an upcall, which a critical call must not make)
        Linker.Option critical = Linker.Option.critical(false);
        backendInit = b.bind("llama_backend_init", FunctionDescriptor.ofVoid());
        logSet = b.bind("llama_log_set", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS));
        modelDefaultParams = b.bind("llama_model_default_params", FunctionDescriptor.of(MODEL_PARAMS));
        modelLoadFromFile = b.bind("llama_model_load_from_file", FunctionDescriptor.of(ADDRESS, ADDRESS, MODEL_PARAMS));
        modelFree = b.bind("llama_model_free", FunctionDescriptor.ofVoid(ADDRESS));
        modelGetVocab = b.bind("llama_model_get_vocab", FunctionDescriptor.of(ADDRESS, ADDRESS));
        modelNCtxTrain = b.bind("llama_model_n_ctx_train", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        modelNEmbd = b.bind("llama_model_n_embd", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        modelSize = b.bind("llama_model_size", FunctionDescriptor.of(JAVA_LONG, ADDRESS));
        modelNParams = b.bind("llama_model_n_params", FunctionDescriptor.of(JAVA_LONG, ADDRESS));
        modelDesc = b.bind("llama_model_desc", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG));
        modelMetaValStr = b.bind("llama_model_meta_val_str", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG));
        modelChatTemplate = b.bind("llama_model_chat_template", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
        adapterLoraInit = b.bind("llama_adapter_lora_init", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
        setAdapterLora = b.bind("llama_set_adapter_lora", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_FLOAT));
        clearAdapterLora = b.bind("llama_clear_adapter_lora", FunctionDescriptor.ofVoid(ADDRESS));
        contextDefaultParams = b.bind("llama_context_default_params", FunctionDescriptor.of(CONTEXT_PARAMS));
        initFromModel = b.bind("llama_init_from_model", FunctionDescriptor.of(ADDRESS, ADDRESS, CONTEXT_PARAMS));
        graphMetadataBytes = graphMetadataBytes(b.bind("ggml_tensor_overhead", FunctionDescriptor.of(JAVA_LONG), critical),
                b.bind("ggml_graph_overhead_custom", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_BOOLEAN), critical));
        free = b.bind("llama_free", FunctionDescriptor.ofVoid(ADDRESS));
        decode = b.bind("llama_decode", FunctionDescriptor.of(JAVA_INT, ADDRESS, BATCH));
        getLogitsIth = b.bind("llama_get_logits_ith", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT));
        getEmbeddingsIth = b.bind("llama_get_embeddings_ith", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT));
        poolingType = b.bind("llama_pooling_type", FunctionDescriptor.of(JAVA_INT, ADDRESS), critical);
        modelIsRecurrent = b.bind("llama_model_is_recurrent", FunctionDescriptor.of(JAVA_BOOLEAN, ADDRESS), critical);
        modelHasEncoder = b.bind("llama_model_has_encoder", FunctionDescriptor.of(JAVA_BOOLEAN, ADDRESS), critical);
        kvDefrag = b.bind("llama_kv_self_defrag", FunctionDescriptor.ofVoid(ADDRESS));
        kvUpdate = b.bind("llama_kv_self_update", FunctionDescriptor.ofVoid(ADDRESS));
        kvUsedCells = b.bind("llama_kv_self_used_cells", FunctionDescriptor.of(JAVA_INT, ADDRESS), critical);
        tokenize = b.bind("llama_tokenize", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT,
                JAVA_BOOLEAN, JAVA_BOOLEAN));
        tokenToPiece = b.bind("llama_token_to_piece", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT,
                JAVA_INT, JAVA_BOOLEAN), critical);
        vocabNTokens = b.bind("llama_vocab_n_tokens", FunctionDescriptor.of(JAVA_INT, ADDRESS), critical);
        vocabBos = b.bind("llama_vocab_bos", FunctionDescriptor.of(JAVA_INT, ADDRESS), critical);
        vocabEos = b.bind("llama_vocab_eos", FunctionDescriptor.of(JAVA_INT, ADDRESS), critical);
        vocabIsEog = b.bind("llama_vocab_is_eog", FunctionDescriptor.of(JAVA_BOOLEAN, ADDRESS, JAVA_INT), critical);
        kvSeqRm = b.bind("llama_kv_self_seq_rm", FunctionDescriptor.of(JAVA_BOOLEAN, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT));
        kvSeqCp = b.bind("llama_kv_self_seq_cp", FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
        kvSeqAdd = b.bind("llama_kv_self_seq_add", FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
        stateSeqGetSize = b.bind("llama_state_seq_get_size", FunctionDescriptor.of(JAVA_LONG, ADDRESS, JAVA_INT));
        stateSeqGetData = b.bind("llama_state_seq_get_data", FunctionDescriptor.of(JAVA_LONG, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT));
        stateSeqSetData = b.bind("llama_state_seq_set_data", FunctionDescriptor.of(JAVA_LONG, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT));
        setNThreads = b.bind("llama_set_n_threads", FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT, JAVA_INT));
        samplerInitGrammar = b.bind("llama_sampler_init_grammar", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        samplerApply = b.bind("llama_sampler_apply", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS));
        samplerAccept = b.bind("llama_sampler_accept", FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT));
        samplerFree = b.bind("llama_sampler_free", FunctionDescriptor.ofVoid(ADDRESS));
    }

    /** The binding, made on first use; the library's log goes to {@link #logTo}'s sink from then on. */
    public static synchronized Llama get() {
        if (instance == null) {
            Llama llama = new Llama(LlamaLibrary.lookup());
            llama.installLogCallback();
            invoke(() -> { llama.backendInit.invokeExact(); });
            instance = llama;
        }
        return instance;
    }

    /** Where llama.cpp's log lines go: (ggml log level, text without trailing newline). */
    public void logTo(BiConsumer<Integer, String> sink) {
        logSink = sink;
    }

    /** A warning of ours in llama.cpp's log, where the operator reads about the model's load. */
    public void warn(String text) {
        logSink.accept(LOG_WARN, text);
    }

    // ---- model --------------------------------------------------------------------------------

    /**
     * Loads a GGUF model. {@code progress} receives 0..1 while tensors load.
     *
     * @throws LlamaException when llama.cpp cannot load it (its log says why)
     */
    public MemorySegment loadModel(Path file, ModelLoadOptions options, java.util.function.DoubleConsumer progress) {
        return loadModel(file, options, options.overrides(), false, progress);
    }

    /**
     * Loads only a model's vocabulary and metadata, which is quick, to read its metadata before
     * the real load; free it with {@link #freeModel}.
     */
    public MemorySegment loadMetadata(Path file) {
        return loadModel(file, ModelLoadOptions.DEFAULTS, java.util.List.of(), true, p -> { });
    }

    private MemorySegment loadModel(Path file, ModelLoadOptions options, java.util.List<KvOverride> overrides, boolean vocabOnly,
            java.util.function.DoubleConsumer progress) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment params = (MemorySegment) modelDefaultParams.invokeExact((java.lang.foreign.SegmentAllocator) arena);
            params.set(JAVA_BOOLEAN, MODEL_PARAMS_USE_MMAP, options.mmap());
            params.set(JAVA_BOOLEAN, MODEL_PARAMS_USE_MLOCK, options.mlock());
            params.set(JAVA_BOOLEAN, MODEL_PARAMS_VOCAB_ONLY, vocabOnly);
            if (!overrides.isEmpty()) {
                // zeroed, so the entry after the last has the empty key that ends the array
                MemorySegment entries = arena.allocate(KvOverride.LAYOUT.byteSize() * (overrides.size() + 1), 8);
                for (int i = 0; i < overrides.size(); i++) {
                    overrides.get(i).writeTo(entries.asSlice(i * KvOverride.LAYOUT.byteSize(), KvOverride.LAYOUT.byteSize()));
                }
                params.set(ADDRESS, MODEL_PARAMS_KV_OVERRIDES, entries);
            }
            MethodHandle onProgress = MethodHandles.lookup().findStatic(Llama.class, "progressUpcall",
                    MethodType.methodType(boolean.class, java.util.function.DoubleConsumer.class, float.class, MemorySegment.class))
                    .bindTo(progress);
            MemorySegment stub = Linker.nativeLinker().upcallStub(onProgress,
                    FunctionDescriptor.of(JAVA_BOOLEAN, JAVA_FLOAT, ADDRESS), arena);
            params.set(ADDRESS, MODEL_PARAMS_PROGRESS, stub);
            MemorySegment model = (MemorySegment) modelLoadFromFile.invokeExact(arena.allocateFrom(file.toString()), params);
            if (model.equals(MemorySegment.NULL)) {
                throw new LlamaException("llama.cpp could not load " + file.getFileName() + " (see the log above)");
            }
            return model;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @SuppressWarnings("unused") // called from native code during model loading
    private static boolean progressUpcall(java.util.function.DoubleConsumer progress, float value, MemorySegment userData) {
        try {
            progress.accept(value);
        } catch (Throwable e) {
            // an upcall must never throw into native code: that ends the JVM. Once this bundle
            // revision is stopped, its sink may fail to load a class (an Error, not an Exception).
        }
        return true;
    }

    public void freeModel(MemorySegment model) {
        invoke(() -> { modelFree.invokeExact(model); });
    }

    public MemorySegment vocabulary(MemorySegment model) {
        return (MemorySegment) call(() -> (MemorySegment) modelGetVocab.invokeExact(model));
    }

    public int trainedContextLength(MemorySegment model) {
        return (int) call(() -> (int) modelNCtxTrain.invokeExact(model));
    }

    public int embeddingSize(MemorySegment model) {
        return (int) call(() -> (int) modelNEmbd.invokeExact(model));
    }

    public long modelBytes(MemorySegment model) {
        return (long) call(() -> (long) modelSize.invokeExact(model));
    }

    public long parameterCount(MemorySegment model) {
        return (long) call(() -> (long) modelNParams.invokeExact(model));
    }

    /** Whether the model keeps a recurrent state (Mamba, RWKV) instead of a KV cache. */
    public boolean isRecurrent(MemorySegment model) {
        return (boolean) call(() -> (boolean) modelIsRecurrent.invokeExact(model));
    }

    /** Whether the model has an encoder (T5-like), which needs llama_encode rather than llama_decode. */
    public boolean hasEncoder(MemorySegment model) {
        return (boolean) call(() -> (boolean) modelHasEncoder.invokeExact(model));
    }

    /** A short description such as "llama ?B all F32". */
    public String description(MemorySegment model) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(256);
            int length = (int) call(() -> (int) modelDesc.invokeExact(model, buffer, 256L));
            return length < 0 ? "" : buffer.getString(0);
        }
    }

    /** A GGUF metadata value as text, or null if the model has no such key. */
    public String metadata(MemorySegment model, String key) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment name = arena.allocateFrom(key);
            long size = 256;
            while (true) {
                MemorySegment buffer = arena.allocate(size);
                long capacity = size;
                int length = (int) call(() -> (int) modelMetaValStr.invokeExact(model, name, buffer, capacity));
                if (length < 0) {
                    return null;
                }
                if (length < size) {
                    return buffer.getString(0, StandardCharsets.UTF_8);
                }
                size = length + 1L;
            }
        }
    }

    /** The model's default chat template, or null. */
    public String chatTemplate(MemorySegment model) {
        MemorySegment text = (MemorySegment) call(() -> (MemorySegment) modelChatTemplate.invokeExact(model, MemorySegment.NULL));
        return text.equals(MemorySegment.NULL) ? null : text.reinterpret(Long.MAX_VALUE).getString(0, StandardCharsets.UTF_8);
    }

    // ---- LoRA adapters ------------------------------------------------------------------------

    /**
     * Loads a LoRA adapter (GGUF) for {@code model}; the model frees it when it is freed.
     *
     * @throws LlamaException when llama.cpp refuses the file (its log says why: another
     *                        architecture, tensors of other shapes, not an adapter)
     */
    public MemorySegment loadAdapter(MemorySegment model, Path file) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment path = arena.allocateFrom(file.toString());
            MemorySegment adapter = (MemorySegment) call(() -> (MemorySegment) adapterLoraInit.invokeExact(model, path));
            if (adapter.equals(MemorySegment.NULL)) {
                throw new LlamaException("llama.cpp could not load the LoRA adapter " + file.getFileName()
                        + " for this model (its log above says why)");
            }
            return adapter;
        }
    }

    /** Applies {@code adapter} to every later decode of {@code context} at {@code scale} (replacing its scale). */
    void setAdapter(MemorySegment context, MemorySegment adapter, float scale) {
        int status = (int) call(() -> (int) setAdapterLora.invokeExact(context, adapter, scale));
        if (status != 0) {
            throw new LlamaException("llama_set_adapter_lora failed (" + status + ")");
        }
    }

    /** Removes every adapter from {@code context}: its decodes are the base model's again. */
    void clearAdapters(MemorySegment context) {
        invoke(() -> { clearAdapterLora.invokeExact(context); });
    }

    // ---- vocabulary ---------------------------------------------------------------------------

    public int vocabularySize(MemorySegment vocab) {
        return (int) call(() -> (int) vocabNTokens.invokeExact(vocab));
    }

    public int bos(MemorySegment vocab) {
        return (int) call(() -> (int) vocabBos.invokeExact(vocab));
    }

    public int eos(MemorySegment vocab) {
        return (int) call(() -> (int) vocabEos.invokeExact(vocab));
    }

    public boolean isEndOfGeneration(MemorySegment vocab, int token) {
        return (boolean) call(() -> (boolean) vocabIsEog.invokeExact(vocab, token));
    }

    /** Tokenizes UTF-8 text. Thread-safe. */
    public int[] tokenize(MemorySegment vocab, String text, boolean addSpecial, boolean parseSpecial) {
        try (Arena arena = Arena.ofConfined()) {
            byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
            MemorySegment input = arena.allocate(utf8.length + 1L);
            MemorySegment.copy(utf8, 0, input, JAVA_BYTE, 0, utf8.length);
            int capacity = utf8.length + 8;
            while (true) {
                MemorySegment tokens = arena.allocate(JAVA_INT, capacity);
                int max = capacity;
                int n = (int) call(() -> (int) tokenize.invokeExact(vocab, input, utf8.length, tokens, max, addSpecial, parseSpecial));
                if (n >= 0) {
                    return tokens.asSlice(0, (long) n * Integer.BYTES).toArray(JAVA_INT);
                }
                capacity = -n;
            }
        }
    }

    /** The bytes of one token (not NUL-terminated; may be part of a UTF-8 character). */
    public byte[] piece(MemorySegment vocab, int token, boolean special, MemorySegment scratch) {
        int length = (int) call(() -> (int) tokenToPiece.invokeExact(vocab, token, scratch, (int) scratch.byteSize(), 0, special));
        if (length < 0) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment bigger = arena.allocate(-length);
                return piece(vocab, token, special, bigger);
            }
        }
        return scratch.asSlice(0, length).toArray(JAVA_BYTE);
    }

    // ---- context ------------------------------------------------------------------------------

    /** What a context is created with. */
    public record ContextOptions(int contextLength, int batchSize, int sequences, int threads, int batchThreads,
            boolean embeddings, int pooling, AttentionOptions attention) {

        /** With llama.cpp's default attention and cache types. */
        public ContextOptions(int contextLength, int batchSize, int sequences, int threads, int batchThreads,
                boolean embeddings, int pooling) {
            this(contextLength, batchSize, sequences, threads, batchThreads, embeddings, pooling, AttentionOptions.DEFAULTS);
        }

        public ContextOptions {
            if (attention == null) {
                throw new IllegalArgumentException("attention options are required");
            }
        }
    }

    /** @throws LlamaException when llama.cpp cannot create it (e.g. out of memory) */
    MemorySegment newContext(MemorySegment model, ContextOptions options) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment params = (MemorySegment) contextDefaultParams.invokeExact((java.lang.foreign.SegmentAllocator) arena);
            params.set(JAVA_INT, CTX_N_CTX, options.contextLength());
            params.set(JAVA_INT, CTX_N_BATCH, options.batchSize());
            params.set(JAVA_INT, CTX_N_UBATCH, options.batchSize());
            params.set(JAVA_INT, CTX_N_SEQ_MAX, options.sequences());
            params.set(JAVA_INT, CTX_N_THREADS, options.threads());
            params.set(JAVA_INT, CTX_N_THREADS_BATCH, options.batchThreads());
            params.set(JAVA_BOOLEAN, CTX_EMBEDDINGS, options.embeddings());
            params.set(JAVA_INT, CTX_POOLING, options.pooling());
            params.set(JAVA_BOOLEAN, CTX_NO_PERF, true);
            AttentionOptions attention = options.attention();
            params.set(JAVA_BOOLEAN, CTX_FLASH_ATTN, attention.flashAttention());
            params.set(JAVA_INT, CTX_TYPE_K, attention.typeK().ggmlType);
            params.set(JAVA_INT, CTX_TYPE_V, attention.typeV().ggmlType);
            params.set(JAVA_FLOAT, CTX_ROPE_FREQ_BASE, attention.ropeFreqBase());
            params.set(JAVA_FLOAT, CTX_ROPE_FREQ_SCALE, attention.ropeFreqScale());
            // Slots come and go, so freed KV cells scatter over the whole cache and attention would
            // span all of it; defragmenting keeps the used cells together at the front. But only
            // where it is safe (see mayDefragment): elsewhere a defragmentation can abort the JVM.
            params.set(JAVA_FLOAT, CTX_DEFRAG_THOLD, mayDefragment(options.contextLength(), options.batchSize()) ? 0.1f : -1f);
            MemorySegment context = (MemorySegment) initFromModel.invokeExact(model, params);
            if (context.equals(MemorySegment.NULL)) {
                throw new LlamaException("llama.cpp could not create a context of " + options.contextLength() + " tokens");
            }
            return context;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * Bytes of the graph-metadata buffer llama.cpp zeroes for each context it creates: room for
     * 65,536 graph nodes (five per model tensor where that is more, which no llama-type model
     * needs), of which each decode's graph takes the front. The same for every context.
     */
    long graphMetadataBytes() {
        return graphMetadataBytes;
    }

    private static long graphMetadataBytes(MethodHandle tensorOverhead, MethodHandle graphOverheadCustom) {
        long nodes = 65_536;
        return (long) call(() -> (long) tensorOverhead.invokeExact() * nodes
                + (long) graphOverheadCustom.invokeExact(nodes, false));
    }

    void freeContext(MemorySegment context) {
        invoke(() -> { free.invokeExact(context); });
    }

    void setThreads(MemorySegment context, int threads, int batchThreads) {
        invoke(() -> { setNThreads.invokeExact(context, threads, batchThreads); });
    }

    /**
     * Runs the model on a batch. Returns 0 on success; 1 or -3 when the KV cache has no room;
     * other values are errors (the KV state is then as before the call).
     *
     * <p>A batch of more than one token runs in the process's {@link ComputeTurn}; a single-token
     * batch may run beside anything.
     */
    int decode(MemorySegment context, MemorySegment batch) {
        try (ComputeTurn turn = ComputeTurn.forTokens(batch.get(JAVA_INT, BATCH_N_TOKENS))) {
            return (int) call(() -> (int) decode.invokeExact(context, batch));
        }
    }

    /** The logits row of output {@code index} of the last batch: {@code vocabularySize} floats. */
    MemorySegment logits(MemorySegment context, int index, int vocabularySize) {
        MemorySegment row = (MemorySegment) call(() -> (MemorySegment) getLogitsIth.invokeExact(context, index));
        if (row.equals(MemorySegment.NULL)) {
            throw new LlamaException("no logits for output " + index);
        }
        return row.reinterpret((long) vocabularySize * Float.BYTES);
    }

    /**
     * The hidden state (embedding) of output {@code index} of the last batch, in a context made
     * with embeddings on: {@code embeddingSize} floats.
     */
    MemorySegment embeddings(MemorySegment context, int index, int embeddingSize) {
        MemorySegment row = (MemorySegment) call(() -> (MemorySegment) getEmbeddingsIth.invokeExact(context, index));
        if (row.equals(MemorySegment.NULL)) {
            throw new LlamaException("no embeddings for output " + index);
        }
        return row.reinterpret((long) embeddingSize * Float.BYTES);
    }

    /** The context's llama_pooling_type (0 none, 1 mean, 2 cls, 3 last, 4 rank). */
    int poolingType(MemorySegment context) {
        return (int) call(() -> (int) poolingType.invokeExact(context));
    }

    // ---- KV cache -----------------------------------------------------------------------------

    /**
     * Empties the KV cache of every sequence. By removing every sequence's cells rather than with
     * llama_kv_self_clear, which also writes zeros over the whole cache and so makes every page of
     * it resident.
     */
    void clearCache(MemorySegment context) {
        removeTokens(context, -1, -1, -1);
    }

    /*
     * Why defragmentations and shifts are applied at once, and only when a batch fits: after
     * either, b4916 reserves a worst-case graph that writes a whole batch (the smaller of the
     * context and --batchsize) into the KV cache from the cache's head, without a bounds check
     * (llama.cpp issue 12888, fixed upstream later). A defragmentation leaves the head after the
     * used cells; a shift leaves it at 0, but restoring a sequence's state before the next decode
     * moves it to wherever the state went. Where the batch does not fit after the head, ggml_view
     * fails GGML_ASSERT and aborts the process (a story trimmed at the front of a nearly full
     * context of 1024 cells did it within a few requests).
     */

    /**
     * Whether llama.cpp may defragment a context of {@code cells} by itself (it does once the used
     * span reaches 2048 cells, when less than 90% of it is used): with a batch at most a tenth of
     * the cells, that many used cells always leave a batch free after them.
     */
    public static boolean mayDefragment(int cells, int batchSize) {
        return cells >= 10 * batchSize;
    }

    /**
     * Moves the used KV cells together now if a batch still fits after them (see above); says
     * whether it did. A defragmentation is copies only, no matrix product: it needs no compute turn.
     */
    boolean defragment(MemorySegment context, int cells, int batchSize) {
        int used = usedCells(context);
        if (used + Math.min(cells, batchSize) > cells) {
            return false;
        }
        invoke(() -> { kvDefrag.invokeExact(context); });
        invoke(() -> { kvUpdate.invokeExact(context); });
        return true;
    }

    /** How many KV cells of the context hold a token of some sequence. */
    int usedCells(MemorySegment context) {
        return (int) call(() -> (int) kvUsedCells.invokeExact(context));
    }

    /** Removes positions [from, to) of a sequence (to < 0: to the end). */
    boolean removeTokens(MemorySegment context, int sequence, int from, int to) {
        return (boolean) call(() -> (boolean) kvSeqRm.invokeExact(context, sequence, from, to));
    }

    /** Makes positions [from, to) of {@code source} also belong to {@code target}, sharing the cells. */
    void copySequence(MemorySegment context, int source, int target, int from, int to) {
        invoke(() -> { kvSeqCp.invokeExact(context, source, target, from, to); });
    }

    /**
     * Adds {@code delta} to positions [from, to) of a sequence (context shift), and rotates the
     * shifted keys at once, while the shift has left the cache's head at 0 (see above); no
     * position may become negative, or the head moves to the first cell that did. Rope only, no
     * matrix product: no compute turn.
     */
    void shiftPositions(MemorySegment context, int sequence, int from, int to, int delta) {
        invoke(() -> { kvSeqAdd.invokeExact(context, sequence, from, to, delta); });
        invoke(() -> { kvUpdate.invokeExact(context); });
    }

    // ---- per-sequence state -------------------------------------------------------------------

    /** Bytes {@link #saveSequence} would return for the sequence now. */
    long sequenceStateSize(MemorySegment context, int sequence) {
        return (long) call(() -> (long) stateSeqGetSize.invokeExact(context, sequence));
    }

    /**
     * A sequence's tokens and KV cells. What is pending in the cache (llama.cpp's own
     * defragmentation) is applied first: llama.cpp applies such updates only at the next decode,
     * and a state saved before that would carry keys from before them. That update is rope and
     * copies only, no matrix product, so it needs no compute turn.
     */
    byte[] saveSequence(MemorySegment context, int sequence) {
        invoke(() -> { kvUpdate.invokeExact(context); });
        long size = sequenceStateSize(context, sequence);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(Math.max(1, size));
            long written = (long) call(() -> (long) stateSeqGetData.invokeExact(context, buffer, size, sequence));
            return buffer.asSlice(0, written).toArray(JAVA_BYTE);
        }
    }

    boolean restoreSequence(MemorySegment context, int sequence, byte[] state) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(Math.max(1, state.length));
            MemorySegment.copy(state, 0, buffer, JAVA_BYTE, 0, state.length);
            long read = (long) call(() -> (long) stateSeqSetData.invokeExact(context, buffer, (long) state.length, sequence));
            return read > 0;
        }
    }

    // ---- grammar sampler ----------------------------------------------------------------------

    /**
     * Compiles a GBNF grammar (start rule "root") into llama.cpp's grammar sampler. b4916 returns
     * a sampler even when the grammar does not parse (it only logs the error, and the sampler then
     * constrains nothing), so the sampler's state is checked for a compiled grammar.
     *
     * <p>The text must have passed a syntax check first: llama.cpp expands repetitions without a
     * limit and recurses over the rules, so a hostile grammar could exhaust memory or the stack.
     *
     * @return the sampler, to be freed with {@link #freeSampler}
     * @throws LlamaException when llama.cpp rejected the grammar (left recursion, for example)
     */
    public MemorySegment newGrammarSampler(MemorySegment vocab, String grammar) {
        byte[] utf8 = grammar.getBytes(StandardCharsets.UTF_8);
        MemorySegment sampler;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment text = arena.allocateFrom(grammar, StandardCharsets.UTF_8);
            MemorySegment root = arena.allocateFrom("root");
            sampler = (MemorySegment) call(() -> (MemorySegment) samplerInitGrammar.invokeExact(vocab, text, root));
        }
        if (sampler.equals(MemorySegment.NULL)) {
            throw new LlamaException("llama.cpp rejected the grammar");
        }
        MemorySegment state = sampler.reinterpret(SAMPLER.byteSize()).get(ADDRESS, SAMPLER_CTX)
                .reinterpret(GRAMMAR_SAMPLER_STATE.byteSize());
        MemorySegment text = state.get(ADDRESS, GRAMMAR_STATE_TEXT);
        boolean layoutAsExpected = state.get(ADDRESS, GRAMMAR_STATE_VOCAB).equals(vocab)
                && !text.equals(MemorySegment.NULL)
                && MemorySegment.ofAddress(text.address() + COW_STRING_LENGTH).reinterpret(Long.BYTES).get(JAVA_LONG, 0) == utf8.length
                && java.util.Arrays.equals(text.reinterpret(utf8.length).toArray(JAVA_BYTE), utf8);
        if (!layoutAsExpected) {
            freeSampler(sampler);
            throw new IllegalStateException("the grammar sampler of this llama.cpp build is not laid out as expected");
        }
        if (state.get(ADDRESS, GRAMMAR_STATE_GRAMMAR).equals(MemorySegment.NULL)) {
            freeSampler(sampler);
            throw new LlamaException("llama.cpp rejected the grammar");
        }
        return sampler;
    }

    /** Runs a sampler over the first {@code size} candidates; token ids must be in the vocabulary. */
    public void applySampler(MemorySegment sampler, MemorySegment array, int size) {
        array.set(JAVA_LONG, ARRAY_SIZE, size);
        array.set(JAVA_LONG, ARRAY_SELECTED, -1L);
        array.set(JAVA_BOOLEAN, ARRAY_SORTED, false);
        invoke(() -> { samplerApply.invokeExact(sampler, array); });
    }

    /**
     * Advances a sampler's state by a token. For a grammar sampler the token must be one its last
     * apply allowed: llama.cpp aborts the process on an end token the grammar does not expect,
     * and throws a C++ exception (which ends the JVM) on a piece it cannot match.
     */
    public void acceptToken(MemorySegment sampler, int token) {
        invoke(() -> { samplerAccept.invokeExact(sampler, token); });
    }

    public void freeSampler(MemorySegment sampler) {
        invoke(() -> { samplerFree.invokeExact(sampler); });
    }

    // ---- logging ------------------------------------------------------------------------------

    private void installLogCallback() {
        try {
            MethodHandle target = MethodHandles.lookup().findVirtual(Llama.class, "logUpcall",
                    MethodType.methodType(void.class, int.class, MemorySegment.class, MemorySegment.class)).bindTo(this);
            MemorySegment stub = Linker.nativeLinker().upcallStub(target,
                    FunctionDescriptor.ofVoid(JAVA_INT, ADDRESS, ADDRESS), Arena.global());
            logSet.invokeExact(stub, MemorySegment.NULL);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private final StringBuilder logLine = new StringBuilder();
    private int logLevel = LOG_INFO;

    @SuppressWarnings("unused") // called from native code
    private synchronized void logUpcall(int level, MemorySegment text, MemorySegment userData) {
        try {
            if (level != LOG_CONTINUE) {
                logLevel = level;
            }
            logLine.append(text.reinterpret(Long.MAX_VALUE).getString(0, StandardCharsets.UTF_8));
            int newline;
            while ((newline = logLine.indexOf("\n")) >= 0) {
                String line = logLine.substring(0, newline);
                logLine.delete(0, newline + 1);
                if (!line.isBlank()) {
                    logSink.accept(logLevel, line);
                }
            }
        } catch (Throwable e) {
            // an upcall must never throw into native code: that ends the JVM. Once this bundle
            // revision is stopped, its sink may fail to load a class (an Error, not an Exception).
        }
    }

    // ---- plumbing -----------------------------------------------------------------------------

    private static long offset(StructLayout layout, String field) {
        return layout.byteOffset(MemoryLayout.PathElement.groupElement(field));
    }

    @FunctionalInterface
    interface NativeCall {
        Object call() throws Throwable;
    }

    @FunctionalInterface
    private interface NativeAction {
        void run() throws Throwable;
    }

    /** Runs a downcall: a RuntimeException or Error as it is, anything else as a LlamaException. */
    static Object call(NativeCall call) {
        try {
            return call.call();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static void invoke(NativeAction action) {
        try {
            action.run();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException e) {
            throw e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new LlamaException(t.toString());
    }

    /** Looks up symbols and makes downcall handles, with a clear message for a missing symbol. */
    private record Binder(Linker linker, SymbolLookup library) {
        MethodHandle bind(String name, FunctionDescriptor descriptor, Linker.Option... options) {
            MemorySegment symbol = library.find(name)
                    .orElseThrow(() -> new LlamaException("libjllama.so has no symbol " + name));
            return linker.downcallHandle(symbol, descriptor, options);
        }
    }
}
