package koboldj.text.llama;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BiFunction;
import java.util.function.DoubleConsumer;
import java.util.function.Supplier;

import koboldj.api.error.ApiException;
import koboldj.api.error.ErrorKind;
import koboldj.api.model.ModelDescriptor;
import koboldj.api.text.Tokenizer;

/**
 * A loaded GGUF text model and its vocabulary. The bytes of every token are read once at load, so
 * turning tokens into text needs no native call. Thread-safe; {@link #close()} must come after every
 * context made from it is freed. Loads of the same file with the same options share one native
 * model ({@link SharedModel}), freed when the last of them is closed.
 *
 * <p>Request threads tokenize on the model outside any engine (a swapped or stopping bundle closes
 * it under them), so each native call holds a read lock and {@link #close()} the write lock: the
 * model is freed only once no call is using it, and a call after that fails as unloaded instead
 * of reading freed memory.
 */
public final class LlamaModel implements Tokenizer, AutoCloseable {
    /** Tokens beyond those asked for in a cut, where it may tokenize unlike the whole text. */
    private static final int CUT_MARGIN = 16;
    private static final String[] METADATA_KEYS = {"general.architecture", "general.name", "tokenizer.chat_template",
            "tokenizer.ggml.model"};

    private final Llama llama;
    private final SharedModel shared;
    private final MemorySegment model;
    private final MemorySegment vocab;
    private final int vocabularySize;
    private final int bos;
    private final int eos;
    private final boolean[] endOfGeneration;
    private final byte[][] pieces;
    private final byte[][] specialPieces;
    /** UTF-8 bytes of the longest token text (control tokens' included): no token covers more of a prompt. */
    private final int longestPiece;
    private final ModelDescriptor descriptor;
    private final ReadWriteLock users = new ReentrantReadWriteLock();
    private boolean closed;

    private LlamaModel(Llama llama, SharedModel shared, Path file, int contextLength) {
        this.llama = llama;
        this.shared = shared;
        this.model = shared.handle();
        this.vocab = llama.vocabulary(model);
        this.vocabularySize = llama.vocabularySize(vocab);
        this.bos = llama.bos(vocab);
        this.eos = llama.eos(vocab);
        endOfGeneration = new boolean[vocabularySize];
        pieces = new byte[vocabularySize][];
        specialPieces = new byte[vocabularySize][];
        // one UTF-8 character: an unknown character becomes one token whatever its piece says
        int longest = 4;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment scratch = arena.allocate(256);
            for (int token = 0; token < vocabularySize; token++) {
                endOfGeneration[token] = llama.isEndOfGeneration(vocab, token);
                pieces[token] = llama.piece(vocab, token, false, scratch);
                specialPieces[token] = llama.piece(vocab, token, true, scratch);
                longest = Math.max(longest, Math.max(pieces[token].length, specialPieces[token].length));
            }
        }
        longestPiece = longest;
        Map<String, String> metadata = new HashMap<>();
        for (String key : METADATA_KEYS) {
            String value = llama.metadata(model, key);
            if (value != null) {
                metadata.put(key, value);
            }
        }
        metadata.put("description", llama.description(model));
        metadata.put("parameters", String.valueOf(llama.parameterCount(model)));
        metadata.put("embedding_length", String.valueOf(llama.embeddingSize(model)));
        String name = file.getFileName().toString().replaceFirst("\\.gguf$", "");
        long size;
        try {
            size = Files.size(file);
        } catch (java.io.IOException e) {
            size = llama.modelBytes(model);
        }
        descriptor = new ModelDescriptor(name, file, metadata.getOrDefault("general.architecture", "unknown"),
                contextLength, llama.trainedContextLength(model), size, metadata);
    }

    /**
     * Loads a model file; {@code contextLength} is what the engine will offer per request.
     *
     * @throws LlamaException if llama.cpp cannot load it
     */
    public static LlamaModel load(Path file, int contextLength, DoubleConsumer progress) {
        return load(file, contextLength, ModelLoadOptions.DEFAULTS, progress);
    }

    /**
     * Loads a model file as {@code options} say (memory-mapped, locked in RAM), or shares the one
     * already loaded from it with the same options.
     *
     * @throws LlamaException if llama.cpp cannot load it
     */
    public static LlamaModel load(Path file, int contextLength, ModelLoadOptions options, DoubleConsumer progress) {
        Llama llama = Llama.get();
        SharedModel shared = SharedModel.acquire(llama, file, options, progress);
        try {
            return new LlamaModel(llama, shared, file, contextLength);
        } catch (RuntimeException e) {
            shared.release();
            throw e;
        }
    }

    public ModelDescriptor descriptor() {
        return descriptor;
    }

    public long parameterCount() {
        return use(() -> llama.parameterCount(model));
    }

    /**
     * A new context for this model; the caller closes it before closing the model.
     *
     * @throws LlamaException when the model cannot store its cache as asked, or llama.cpp cannot create it
     */
    public LlamaContext newContext(Llama.ContextOptions options) {
        checkCacheTypes(options.attention());
        return use(() -> new LlamaContext(llama,
                ContextPages.around(llama.graphMetadataBytes(), () -> llama.newContext(model, options)), options));
    }

    /**
     * A quantised cache stores each head's keys (values) in whole blocks; llama.cpp does not check
     * that a head fills them, and a model whose heads do not would make it read past its rows.
     */
    private void checkCacheTypes(AttentionOptions attention) {
        checkHeads(attention.typeK(), "key_length");
        checkHeads(attention.typeV(), "value_length");
    }

    private void checkHeads(KvCacheType type, String lengthKey) {
        if (!type.quantized()) {
            return;
        }
        int size = headSize(lengthKey);
        if (size <= 0 || size % type.blockSize != 0) {
            throw new LlamaException("--quantkv cannot store this model's KV cache as " + type.name().toLowerCase()
                    + ": that needs attention heads of a multiple of " + type.blockSize + " values, and "
                    + descriptor.name() + "'s are " + (size <= 0 ? "of a size its GGUF does not say" : size + " values")
                    + "; use --quantkv 0");
        }
    }

    /**
     * Bytes of KV cache one token takes in a context storing it as {@code attention} says: each
     * layer's keys and values for every KV head (GGUF {@code <arch>.block_count},
     * {@code attention.head_count_kv}); 0 if the model's GGUF does not say (per-layer head counts).
     */
    public long kvBytesPerToken(AttentionOptions attention) {
        String arch = descriptor.architecture();
        Integer layers = integerMetadata(arch + ".block_count");
        Integer kvHeads = integerMetadata(arch + ".attention.head_count_kv");
        Integer heads = integerMetadata(arch + ".attention.head_count");
        int kv = kvHeads != null ? kvHeads : heads != null ? heads : 0;
        int keySize = headSize("key_length");
        int valueSize = headSize("value_length");
        if (layers == null || kv <= 0 || keySize <= 0 || valueSize <= 0) {
            return 0;
        }
        return layers * (attention.typeK().bytes((long) kv * keySize) + attention.typeV().bytes((long) kv * valueSize));
    }

    /** Values per attention head (GGUF {@code <arch>.attention.key_length}, or the embedding over the heads); 0 if unknown. */
    int headSize(String lengthKey) {
        String arch = descriptor.architecture();
        Integer explicit = integerMetadata(arch + ".attention." + lengthKey);
        if (explicit != null) {
            return explicit;
        }
        Integer embedding = integerMetadata(arch + ".embedding_length");
        Integer heads = integerMetadata(arch + ".attention.head_count");
        return embedding == null || heads == null || heads <= 0 || embedding % heads != 0 ? 0 : embedding / heads;
    }

    private Integer integerMetadata(String key) {
        String value = metadata(key);
        try {
            return value == null ? null : Integer.valueOf(value.trim());
        } catch (NumberFormatException e) {
            return null; // e.g. a per-layer array
        }
    }

    /**
     * Compiles a GBNF grammar (start rule "root") for this model's vocabulary. The text must have
     * passed {@code GbnfValidator} first.
     *
     * @throws LlamaException when llama.cpp rejects the grammar
     */
    public GrammarSampler grammar(String gbnf) {
        return use(() -> new GrammarSampler(vocab, vocabularySize, gbnf));
    }

    /**
     * The LoRA adapters (GGUF files) for this model, loaded once onto the native model, which frees
     * them when it is freed; only a context they are applied to decodes with them.
     *
     * @throws LlamaException when a file is not a GGUF adapter for this model
     */
    public LoraAdapters loadAdapters(List<Path> files, float strength) {
        List<MemorySegment> adapters = new ArrayList<>();
        for (Path file : files) {
            checkGguf(file);
            adapters.add(use(() -> shared.adapter(file)));
        }
        return new LoraAdapters(adapters, strength);
    }

    /** Only a GGUF file reaches llama.cpp's reader. */
    private static void checkGguf(Path file) {
        byte[] magic = new byte[4];
        try (InputStream in = Files.newInputStream(file)) {
            if (in.readNBytes(magic, 0, 4) != 4 || !"GGUF".equals(new String(magic, StandardCharsets.US_ASCII))) {
                throw new LlamaException(file.getFileName() + " is not a GGUF file; LoRA adapters must be GGUF");
            }
        } catch (IOException e) {
            throw new LlamaException("cannot read the LoRA adapter " + file + ": " + e.getMessage());
        }
    }

    /** A GGUF metadata value as text, or null if the model has no such key. */
    public String metadata(String key) {
        return use(() -> llama.metadata(model, key));
    }

    /** Size of the model's hidden state: the length of its embeddings. */
    public int embeddingSize() {
        return use(() -> llama.embeddingSize(model));
    }

    /** Whether llama_decode with a KV cache runs this model (no recurrent state, no encoder). */
    public boolean decodesWithKvCache() {
        return use(() -> !llama.isRecurrent(model) && !llama.hasEncoder(model));
    }

    @Override
    public int[] tokenize(String text, boolean addSpecial, boolean parseSpecial) {
        return use(() -> llama.tokenize(vocab, text, addSpecial, parseSpecial));
    }

    /**
     * The last tokens of a text, at least {@code count} of them when it has that many (the front
     * of the result may be more), tokenizing only an end of the text that surely holds them: a
     * prompt longer than the context loses its front anyway, and tokenizing megabytes costs
     * seconds and native memory in proportion.
     */
    public int[] tokenizeLast(String text, boolean addSpecial, boolean parseSpecial, int count) {
        return tokenizeBounded(text, addSpecial, parseSpecial, count, TextCut::last);
    }

    /**
     * The tokens of a text, or when it has more than {@code limit}, at least {@code limit + 1}
     * of its first tokens: for text that must fit whole (memory, an embeddings input), so that a
     * text far too long is known as such without tokenizing all of it.
     */
    public int[] tokenizeFirst(String text, boolean addSpecial, boolean parseSpecial, int limit) {
        return tokenizeBounded(text, addSpecial, parseSpecial, limit + 1L, TextCut::first);
    }

    /**
     * Tokenizes a cut of {@code count} longest pieces (and a margin for where the cut tokenizes
     * differently from the whole text); each token covers at most its piece of the text, so the cut
     * yields that many tokens. A tokenizer that drops text (WordPiece drops whitespace) may yield
     * fewer: then the cut grows until it yields enough or is the whole text.
     */
    private int[] tokenizeBounded(String text, boolean addSpecial, boolean parseSpecial, long count,
            BiFunction<String, Long, String> cut) {
        long wanted = count + CUT_MARGIN;
        for (long bytes = wanted * longestPiece; ; bytes *= 4) {
            String part = cut.apply(text, bytes);
            int[] tokens = tokenize(part, addSpecial, parseSpecial);
            if (part.length() == text.length() || tokens.length >= wanted) {
                return tokens;
            }
        }
    }

    @Override
    public String detokenize(int[] tokens, boolean renderSpecial) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        for (int token : tokens) {
            bytes.writeBytes(piece(token, renderSpecial));
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** The bytes of a valid token; control tokens are empty unless {@code renderSpecial}. */
    public byte[] piece(int token, boolean renderSpecial) {
        return renderSpecial ? specialPieces[token] : pieces[token];
    }

    @Override
    public int vocabularySize() {
        return vocabularySize;
    }

    @Override
    public int bos() {
        return bos;
    }

    @Override
    public int eos() {
        return eos;
    }

    @Override
    public boolean isEndOfGeneration(int token) {
        return endOfGeneration[token];
    }

    /**
     * Gives up this holder's share of the native model once the calls using it have returned (the
     * last share frees it); later calls fail as unloaded.
     */
    @Override
    public void close() {
        users.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                shared.release();
            }
        } finally {
            users.writeLock().unlock();
        }
    }

    private <T> T use(Supplier<T> call) {
        users.readLock().lock();
        try {
            if (closed) {
                throw new ApiException(ErrorKind.CAPABILITY_MISSING, "The model " + descriptor.name()
                        + " was unloaded while this request used it; send it again.");
            }
            return call.get();
        } finally {
            users.readLock().unlock();
        }
    }
}
